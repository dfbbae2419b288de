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
        var s = ConllReader.Read(path);
        Assert.Equal(2, s.Count);
        Assert.Equal(new[] { "头", "痛" }, s[0].Chars);
        Assert.Equal(new[] { "B-BODY", "B-SIGNS" }, s[0].Tags);
        Assert.Equal(new[] { "，", "2" }, s[1].Chars);
        Assert.Equal($"{path}:5", s[1].Source);
    }

    [Fact]
    public void A_comma_character_is_data_not_a_separator()
    {
        var s = ConllReader.Read(Write(", O\n,,O\n"));
        Assert.Equal(new[] { ",", "," }, s[0].Chars);
    }

    [Fact]
    public void Malformed_line_names_file_and_line()
    {
        string path = Write("头 B-BODY\n痛\n");
        var ex = Assert.Throws<InvalidDataException>(() => ConllReader.Read(path));
        Assert.Contains($"{path}:2", ex.Message);
        Assert.Contains("expected 'char TAG'", ex.Message);
    }

    [Fact]
    public void Invalid_utf8_is_reported()
    {
        string path = Path.Combine(dir, "gbk.txt");
        File.WriteAllBytes(path, [0xBF, 0xC8, 0x20, 0x4F, 0x0A]); // 咳 in GBK
        Assert.Contains("not valid UTF-8", Assert.Throws<InvalidDataException>(() => ConllReader.Read(path)).Message);
        Assert.Throws<FileNotFoundException>(() => ConllReader.Read(Path.Combine(dir, "missing.txt")));
    }
}
