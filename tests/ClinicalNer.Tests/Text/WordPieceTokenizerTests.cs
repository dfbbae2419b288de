namespace ClinicalNer.Tests;

public class WordPieceTokenizerTests
{
    private static readonly WordPieceTokenizer Small = new(
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "头", "痛", "un", "##aff", "##able", "hello", "ct", "2016", "-", "10", "，", "mg", "##mg", "/", "5"]);

    private static string Show(IEnumerable<WordPieceToken> tokens) => string.Join(" ", tokens.Select(t => $"{t.Text}@{t.Start}-{t.End}"));

    [Fact]
    public void Chinese_characters_are_single_tokens_with_offsets()
    {
        Assert.Equal("头@0-1 痛@1-2 ，@2-3 [UNK]@3-4", Show(Small.Tokenize("头痛，咳")));
    }

    [Fact]
    public void Latin_words_split_greedily_longest_first()
    {
        Assert.Equal("un@0-2 ##aff@2-5 ##able@5-9", Show(Small.Tokenize("unaffable")));
        Assert.Equal("[UNK]@0-3", Show(Small.Tokenize("xyz")));           // no cover → the whole word is [UNK]
        Assert.Equal("hello@1-6", Show(Small.Tokenize(" HÉLLO ")));        // lower-cased, accent stripped, offsets into the original
    }

    [Fact]
    public void Digits_punctuation_and_mixed_text()
    {
        Assert.Equal("ct@0-2 头@2-3 2016@3-7 -@7-8 10@8-10", Show(Small.Tokenize("CT头2016-10")));
        Assert.Equal("5@0-1 ##mg@1-3 /@3-4", Show(Small.Tokenize("5mg/")));  // '/' is punctuation: its own word
        Assert.Equal("头@0-1 痛@3-4", Show(Small.Tokenize("头\u0000\t痛")));  // control characters dropped, tab is whitespace
    }

    [Fact]
    public void Missing_special_tokens_are_an_error()
    {
        Assert.Contains("[MASK]", Assert.Throws<ArgumentException>(() => new WordPieceTokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]"])).Message);
    }

    [RealDataFact("kbert/models/google_vocab.txt")]
    public void Bert_base_chinese_vocabulary()
    {
        var tok = WordPieceTokenizer.FromFile(RealDataFactAttribute.PathOf("kbert/models/google_vocab.txt"));
        Assert.Equal(21128, tok.VocabularySize);
        Assert.Equal((0, 100, 101, 102, 103), (tok.PadId, tok.UnkId, tok.ClsId, tok.SepId, tok.MaskId));
        string text = "患者3天前出现头痛，CT示：左肺感染。";
        var tokens = tok.Tokenize(text);
        Assert.DoesNotContain(tokens, t => t.Text == "[UNK]");
        // Every CJK character is its own token, and the pieces cover the text in order.
        Assert.Equal("患 者 3 天 前 出 现 头 痛 ， ct 示 ： 左 肺 感 染 。", string.Join(' ', tokens.Select(t => t.Text)));
        Assert.All(tokens, t => Assert.Equal(text.Substring(t.Start, t.End - t.Start).ToLowerInvariant(), t.Text.Replace("##", "", StringComparison.Ordinal)));
        Assert.Equal(tok.IdOf("头"), tokens[7].Id);
    }

    [Fact]
    public void Pieces_of_a_document_count_its_characters_not_utf16_units()
    {
        var tok = new WordPieceTokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "头", "痛", "ct"]);
        // 𠮷 is one character (a text element) but two UTF-16 units; "ct" is one piece over two characters.
        var doc = Document.Create("d", "𠮷头痛ct", [], "t");
        Assert.Equal(5, doc.Length);
        Assert.Equal([(tok.UnkId, 0, 1), (tok.IdOf("头")!.Value, 1, 2), (tok.IdOf("痛")!.Value, 2, 3), (tok.IdOf("ct")!.Value, 3, 5)], tok.TokenizeCharacters(doc));
    }
}
