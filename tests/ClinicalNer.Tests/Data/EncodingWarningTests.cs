using System.Text;

namespace ClinicalNer.Tests;

public class EncodingWarningTests : TempDirTest
{
    [Fact]
    public void Latin1_that_decodes_as_gb18030_is_flagged_and_chinese_is_not()
    {
        // "Ãa Ãb ...": each accented letter pairs with the next ASCII letter into a rare GBK character.
        byte[] latin1 = Encoding.Latin1.GetBytes(string.Concat(Enumerable.Range(0, 10).Select(i => $"caf\u00e9{(char)('a' + i)} ")));
        var warnings = new List<string>();
        void Collect(string w) => warnings.Add(w);
        TextDecoding.Warning += Collect;
        try
        {
            var (_, encoding) = TextDecoding.Decode(latin1, "latin1.txt");
            Assert.Equal("GB18030", encoding);
            Assert.Contains(warnings, w => w.StartsWith("latin1.txt: decoded as GB18030", StringComparison.Ordinal));
            warnings.Clear();
            TextDecoding.Decode(TextDecoding.Gb18030.GetBytes("患者，男，45岁。主诉：头痛三天，伴恶心、呕吐。"), "chinese.txt");
            Assert.DoesNotContain(warnings, w => w.StartsWith("chinese.txt", StringComparison.Ordinal));
        }
        finally { TextDecoding.Warning -= Collect; }
        Assert.Equal(1.0, TextDecoding.RareShare(TextDecoding.Gb18030.GetString(latin1)));
        Assert.Equal(0.0, TextDecoding.RareShare("头痛，发热。abc"));
    }

    [RealDataFact("unlabeled/medical-dialogue/内科.txt")]
    public void The_gb18030_medical_dialogue_corpus_is_not_flagged()
    {
        var (text, encoding) = TextDecoding.ReadAllText(RealDataFactAttribute.PathOf("unlabeled/medical-dialogue/内科.txt"));
        Assert.Equal("GB18030", encoding);
        Assert.True(TextDecoding.RareShare(text) < 0.01, $"rare share {TextDecoding.RareShare(text):P2}");
    }
}
