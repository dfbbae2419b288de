namespace ClinicalNer.Tests;

public sealed class ConllReaderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("conll").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string text, string name = "f.txt")
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Reads_sentences_with_space_tab_and_comma_separators()
    {
        string path = Write("头 B-BODY\n痛\tB-SIGNS\n\n\n，,O\n2 O\n");
        var s = ConllReader.Read(path).Documents;
        Assert.Equal(2, s.Count);
        Assert.Equal(new[] { "头", "痛" }, s[0].Chars);
        Assert.Equal(new[] { new EntitySpan(0, 1, "BODY"), new EntitySpan(1, 2, "SIGNS") }, s[0].Entities);
        Assert.Equal(new[] { "，", "2" }, s[1].Chars);
        Assert.Equal($"{path}:5", s[1].Source);
    }

    [Fact]
    public void A_comma_character_is_data_not_a_separator()
    {
        var s = ConllReader.Read(Write(", O\n,,O\n")).Documents;
        Assert.Equal(new[] { ",", "," }, s[0].Chars);
    }

    [Fact]
    public void Suffix_order_and_bmes_tags_are_read()
    {
        var s = ConllReader.Read(Write("左\tBODY-B\n腿\tBODY-I\n痛\tO\n\n高 B-DISEASE\n血 M-DISEASE\n压 E-DISEASE\n咳 S-SIGNS\n")).Documents;
        Assert.Equal(new[] { new EntitySpan(0, 2, "BODY") }, s[0].Entities);
        Assert.Equal(new[] { new EntitySpan(0, 3, "DISEASE"), new EntitySpan(3, 4, "SIGNS") }, s[1].Entities);
        Assert.Equal(TagScheme.BMES, ConllReader.DetectScheme(["B-X", "M-X", "E-X"]));
        Assert.Equal(TagScheme.BIOES, ConllReader.DetectScheme(["S-X", "O"]));
    }

    [Fact]
    public void Orphan_inside_tags_follow_the_repair_policy()
    {
        string path = Write("头 O\n痛 I-SIGNS\n感 I-SIGNS\n");
        var repaired = ConllReader.Read(path, RepairPolicy.Repair);
        Assert.Equal(new[] { new EntitySpan(1, 3, "SIGNS") }, repaired.Documents[0].Entities);
        Assert.Contains($"{path}:2", repaired.Issues.Single().Location);
        Assert.Contains("continues no entity", repaired.Issues.Single().Problem);
        var dropped = ConllReader.Read(path, RepairPolicy.Drop);
        Assert.Empty(dropped.Documents[0].Entities);
        Assert.Single(dropped.Issues);
        var strict = Assert.Throws<DataFormatException>(() => ConllReader.Read(path, RepairPolicy.Strict));
        Assert.Contains($"{path}:2", strict.Message);
    }

    [Fact]
    public void Write_then_read_round_trips_in_every_scheme()
    {
        var doc = Document.Create("d", "右髋部疼痛肿胀", [new(0, 3, "BODY"), new(3, 5, "SIGNS"), new(5, 7, "SIGNS")], "test");
        foreach (TagScheme scheme in Enum.GetValues<TagScheme>())
        {
            string path = Path.Combine(dir, $"rt-{scheme}.txt");
            Assert.Empty(ConllReader.Write(path, [doc, doc], scheme));
            var back = ConllReader.Read(path);
            Assert.Empty(back.Issues);
            Assert.All(back.Documents, d => Assert.Equal(doc.Entities, d.Entities));
        }
    }

    [Fact]
    public void Malformed_line_names_file_and_line()
    {
        string path = Write("头 B-BODY\n痛\n");
        var ex = Assert.Throws<DataFormatException>(() => ConllReader.Read(path));
        Assert.Contains($"{path}:2", ex.Message);
        Assert.Contains("expected 'char TAG'", ex.Message);
    }

    [Fact]
    public void Bytes_that_are_neither_utf8_nor_gb18030_are_reported_with_their_line()
    {
        string path = Path.Combine(dir, "gbk.txt");
        File.WriteAllBytes(path, [0x4F, 0x20, 0x4F, 0x0A, 0xFF, 0xFF, 0x20, 0x4F, 0x0A]); // 0xFF is valid in neither
        Assert.Contains("neither UTF-8 nor GB18030", Assert.Throws<DataFormatException>(() => ConllReader.Read(path)).Message);
        Assert.Contains($"{path}:2", Assert.Throws<DataFormatException>(() => ConllReader.Read(path)).Message);
        Assert.Throws<FileNotFoundException>(() => ConllReader.Read(Path.Combine(dir, "missing.txt")));
    }
}
