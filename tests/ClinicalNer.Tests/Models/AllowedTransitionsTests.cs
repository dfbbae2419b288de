using ClinicalNer.Models.Crf;

namespace ClinicalNer.Tests;

public class AllowedTransitionsTests
{
    private static bool Allowed(TagScheme scheme, string[] labels, string from, string to)
    {
        var table = AllowedTransitions.For(scheme, labels);
        int Index(string l) => l == "START" ? labels.Length : l == "END" ? labels.Length + 1 : Array.IndexOf(labels, l);
        return table[Index(from), Index(to)];
    }

    [Fact]
    public void Bio_rules()
    {
        string[] l = ["O", "B-X", "I-X", "B-Y", "I-Y"];
        Assert.True(Allowed(TagScheme.BIO, l, "B-X", "I-X"));
        Assert.True(Allowed(TagScheme.BIO, l, "I-X", "I-X"));
        Assert.False(Allowed(TagScheme.BIO, l, "O", "I-X"));
        Assert.False(Allowed(TagScheme.BIO, l, "B-Y", "I-X"));
        Assert.False(Allowed(TagScheme.BIO, l, "START", "I-X"));
        Assert.True(Allowed(TagScheme.BIO, l, "I-X", "END"));
        Assert.True(Allowed(TagScheme.BIO, l, "START", "B-Y"));
        Assert.False(Allowed(TagScheme.BIO, l, "O", "START"));
        Assert.False(Allowed(TagScheme.BIO, l, "END", "O"));
    }

    [Fact]
    public void Bioes_and_bmes_rules()
    {
        string[] bioes = ["O", "B-X", "I-X", "E-X", "S-X"];
        Assert.True(Allowed(TagScheme.BIOES, bioes, "B-X", "E-X"));
        Assert.False(Allowed(TagScheme.BIOES, bioes, "B-X", "O"));
        Assert.False(Allowed(TagScheme.BIOES, bioes, "B-X", "END"));
        Assert.True(Allowed(TagScheme.BIOES, bioes, "E-X", "S-X"));
        Assert.False(Allowed(TagScheme.BIOES, bioes, "S-X", "I-X"));
        Assert.False(Allowed(TagScheme.BIOES, bioes, "START", "E-X"));
        string[] bmes = ["O", "B-X", "M-X", "E-X", "S-X"];
        Assert.True(Allowed(TagScheme.BMES, bmes, "M-X", "M-X"));
        Assert.True(Allowed(TagScheme.BMES, bmes, "S-X", "END"));
        Assert.False(Allowed(TagScheme.BMES, bmes, "M-X", "B-X"));
        Assert.Throws<ArgumentException>(() => AllowedTransitions.For(TagScheme.BIO, ["O", "E-X"]));
    }
}
