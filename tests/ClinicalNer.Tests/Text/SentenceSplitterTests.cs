namespace ClinicalNer.Tests;

public class SentenceSplitterTests
{
    private static readonly Document Doc = Document.Create("r1", "患者头痛。查体：左肺呼吸音低，右下肢水肿！无发热",
        [new(2, 4, "SIGNS"), new(8, 10, "BODY"), new(15, 18, "BODY"), new(18, 20, "SIGNS"), new(22, 24, "SIGNS")], "test");

    [Fact]
    public void Sentences_keep_offsets_and_their_entities()
    {
        var windows = SentenceSplitter.Split(Doc);
        Assert.Equal(new[] { "患者头痛。", "查体：左肺呼吸音低，右下肢水肿！", "无发热" }, windows.Select(w => w.Piece.Text));
        Assert.Equal(new[] { 0, 5, 21 }, windows.Select(w => w.Offset));
        Assert.Equal(new[] { "头痛", "左肺", "右下肢", "水肿", "发热" }, Doc.Entities.Select(Doc.Surface));
        var back = windows.SelectMany(w => w.ToOriginal(w.Piece.Entities)).ToList();
        Assert.Equal(Doc.Entities, back);
    }

    [Fact]
    public void Long_sentences_split_after_commas_and_never_inside_entities()
    {
        var windows = SentenceSplitter.Split(Doc, maxLength: 8);
        Assert.All(windows, w => Assert.InRange(w.Piece.Length, 1, 8));
        Assert.Equal(Doc.Entities, windows.SelectMany(w => w.ToOriginal(w.Piece.Entities)));
        Assert.Contains(windows, w => w.Piece.Text == "查体：");
    }

    [Fact]
    public void Overlapping_windows_merge_back_without_duplicates()
    {
        var windows = SentenceSplitter.Windows(Doc, size: 10, stride: 6);
        Assert.Equal(new[] { 0, 6, 12, 18 }, windows.Select(w => w.Offset));
        // Predict perfectly on each window (its own gold): the merge gives the document's entities once each,
        // except those no window holds whole.
        var merged = SentenceSplitter.Merge(Doc.Length, windows.Select(w => (w, w.Piece.Entities)));
        Assert.Equal(Doc.Entities, merged);
        Assert.Throws<ArgumentOutOfRangeException>(() => SentenceSplitter.Windows(Doc, 4, 5));
    }
}
