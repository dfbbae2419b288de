using ClinicalNer.Text.Lexicon;
using ClinicalNer.Data;

namespace ClinicalNer.Tests;

public class LexiconMatchingTests
{
    private static IReadOnlyList<string> C(string s) => Document.SplitChars(s);
    private static string Show(IReadOnlyList<string> chars, IEnumerable<Segment> segs) => string.Join("/", segs.Select(s => string.Concat(chars.Skip(s.Start).Take(s.Length))));

    [Fact]
    public void Forward_backward_and_bidirectional_maximum_matching()
    {
        var m = new MaxMatcher(["研究", "研究生", "生命", "命", "的", "起源"]);
        var text = C("研究生命的起源");
        Assert.Equal("研究生/命/的/起源", Show(text, m.Forward(text)));
        Assert.Equal("研究/生命/的/起源", Show(text, m.Backward(text)));
        // Same number of words: fewer single characters wins (BMM has 1, FMM 2).
        Assert.Equal("研究/生命/的/起源", Show(text, m.Bidirectional(text)));
    }

    [Fact]
    public void Bidirectional_prefers_fewer_words_then_backward_on_ties()
    {
        var backwardFewer = new MaxMatcher(["ab", "bcd"]);
        var abcd = C("abcd");
        Assert.Equal("ab/c/d", Show(abcd, backwardFewer.Forward(abcd)));
        Assert.Equal("a/bcd", Show(abcd, backwardFewer.Backward(abcd)));
        Assert.Equal("a/bcd", Show(abcd, backwardFewer.Bidirectional(abcd)));
        var forwardFewer = new MaxMatcher(["abc", "cd"]);
        Assert.Equal("a/b/cd", Show(abcd, forwardFewer.Backward(abcd)));
        Assert.Equal("abc/d", Show(abcd, forwardFewer.Bidirectional(abcd)));
        var tie = new MaxMatcher(["ab", "bc"]);
        var abc = C("abc");
        Assert.Equal("ab/c", Show(abc, tie.Forward(abc)));
        Assert.Equal("a/bc", Show(abc, tie.Bidirectional(abc)));        // same counts: backward
        Assert.False(tie.Forward(abc)[1].InLexicon);
    }

    [Fact]
    public void Knowledge_graph_lookup_takes_longest_non_overlapping_matches()
    {
        var kg = new KnowledgeGraphMatcher([
            new Data.Triple("头痛", "类别", "症状"), new Data.Triple("头", "类别", "部位"),
            new Data.Triple("头痛", "部位", "头"), new Data.Triple("感染", "类别", "疾病"), new Data.Triple("肺感染", "类别", "疾病")]);
        var matches = kg.Match(C("头痛伴肺感染"), maxTriples: 1);
        Assert.Equal(new[] { ("头痛", 0, 2), ("肺感染", 3, 6) }, matches.Select(m => (m.Entity, m.Start, m.End)));
        Assert.Equal("症状", matches[0].Triples.Single().Tail);
        Assert.Equal(4, kg.EntityCount);
    }

    [Fact]
    public void Dictionary_features_tag_characters_by_lexicon_type()
    {
        var features = new DictionaryFeatures(new Dictionary<string, IEnumerable<string>>
        {
            ["DIS"] = ["高血压", "糖尿病"],
            ["SYM"] = ["头痛", "血压"],
        });
        Assert.Equal("B-DIS I-DIS I-DIS O B-SYM I-SYM", string.Join(' ', features.Tag(C("高血压伴头痛"))));
        Assert.Equal(new[] { "O", "B-DIS", "I-DIS", "B-SYM", "I-SYM" }, features.Labels);
    }
}
