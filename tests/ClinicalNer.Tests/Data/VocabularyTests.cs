namespace ClinicalNer.Tests;

public class VocabularyTests
{
    [Fact]
    public void Character_vocabulary_with_min_frequency_pad_and_unk()
    {
        var v = Vocabulary.WithSpecials(["头", "痛", "头", "咳", "头", "痛"], minCount: 2);
        Assert.Equal(4, v.Count);
        Assert.Equal((0, 1), (v.Id(Vocabulary.Pad), v.Id(Vocabulary.Unk)));
        Assert.Equal(2, v.Id("头"));  // most frequent first
        Assert.Equal(3, v.Id("痛"));
        Assert.Equal(1, v.Id("咳"));  // below min frequency: unknown
    }

    [Fact]
    public void Tag_vocabulary_has_no_unknown()
    {
        var tags = Vocabulary.Of(["O", "B-BODY", "I-BODY"]);
        Assert.Equal(1, tags.Id("B-BODY"));
        Assert.Contains("'B-X' is not in the vocabulary", Assert.Throws<KeyNotFoundException>(() => tags.Id("B-X")).Message);
    }
}
