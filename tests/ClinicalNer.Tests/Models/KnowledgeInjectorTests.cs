using ClinicalNer.Data.Readers;
using ClinicalNer.Models.Bert;
using ClinicalNer.Text.Lexicon;
using ClinicalNer.Data;
using ClinicalNer.Display;

namespace ClinicalNer.Tests;

/// <summary>K-BERT's injection on a hand-built sentence and graph: tokens, soft positions, visible matrix, and each ablation.</summary>
public class KnowledgeInjectorTests
{
    private static readonly WordPieceTokenizer Tokenizer = new(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "患", "者", "头", "痛", "发", "热", "症", "状", "疼", "第", "三", "ct", "检", "查"]);

    private static readonly KnowledgeGraphMatcher Graph = new([
        new Triple("头痛", "类别", "症状"), new Triple("头痛", "表现", "疼痛"), new Triple("头痛", "其他", "第三"),   // the third is over the limit of 2
        new Triple("发热", "类别", "症状"), new Triple("c", "类别", "检查"),
    ]);

    private static (string[] Chars, List<(int Id, int Start, int End)> Pieces) Sentence(string text)
    {
        var doc = Document.Create("s", text, [], "t");
        var charAt = new List<int>();
        for (int c = 0; c < doc.Length; c++) charAt.AddRange(Enumerable.Repeat(c, doc.Chars[c].Length));
        charAt.Add(doc.Length);
        var pieces = Tokenizer.Tokenize(text).Select(t => (t.Id, charAt[t.Start], charAt[t.End])).ToList();
        return (doc.Chars.ToArray(), pieces);
    }

    private static string[] Tokens(InjectedSequence s) => s.Ids.Select(id => Tokenizer[id]).ToArray();

    [Fact]
    public void Branches_follow_their_entity_with_soft_positions_and_the_visible_matrix_of_the_sentence_tree()
    {
        var (chars, pieces) = Sentence("患者头痛发热");
        var s = new KnowledgeInjector(Graph, Tokenizer).Inject(chars, pieces, 64);

        Assert.Equal(["[CLS]", "患", "者", "头", "痛", "症", "状", "疼", "痛", "发", "热", "症", "状", "[SEP]"], Tokens(s));
        //            0     1   2   3   4  | 5   6 | 5   6 |  5   6 | 7   8 |  7
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 5, 6, 5, 6, 7, 8, 7], s.Positions);
        Assert.Equal([1, 2, 3, 4, 9, 10], s.SentenceTokens);
        Assert.Equal([new Branch("头痛", "症状", 2, 3, 5, 2, 2, 4), new Branch("头痛", "疼痛", 2, 3, 7, 2, 2, 4), new Branch("发热", "症状", 4, 5, 11, 2, 4, 6)], s.Branches);

        // Expected visibility, written out: sentence tokens see one another; a branch sees itself and its entity, and back.
        int[] sentence = [0, 1, 2, 3, 4, 9, 10, 13];
        var groups = new (int[] Branch, int[] Anchor)[] { ([5, 6], [3, 4]), ([7, 8], [3, 4]), ([11, 12], [9, 10]) };
        var expected = new bool[14, 14];
        foreach (int i in sentence) foreach (int j in sentence) expected[i, j] = true;
        foreach (var (branch, anchor) in groups)
            foreach (int i in branch)
            {
                foreach (int j in branch) expected[i, j] = true;
                foreach (int a in anchor) expected[i, a] = expected[a, i] = true;
            }
        Assert.Equal(expected, s.Visible);
        Assert.False(s.Visible![5, 7]);    // sibling branches do not see each other
        Assert.False(s.Visible[1, 5]);     // nor does the rest of the sentence see a branch
    }

    [Fact]
    public void Each_ablation_switches_off_one_part()
    {
        var (chars, pieces) = Sentence("患者头痛发热");
        var noMask = new KnowledgeInjector(Graph, Tokenizer, new KnowledgeInjectionOptions(VisibleMatrix: false)).Inject(chars, pieces, 64);
        Assert.Null(noMask.Visible);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 5, 6, 5, 6, 7, 8, 7], noMask.Positions);

        var noPos = new KnowledgeInjector(Graph, Tokenizer, new KnowledgeInjectionOptions(SoftPositions: false)).Inject(chars, pieces, 64);
        Assert.Equal(Enumerable.Range(0, 14), noPos.Positions);
        Assert.NotNull(noPos.Visible);

        var noKg = new KnowledgeInjector(Graph, Tokenizer, new KnowledgeInjectionOptions(Inject: false)).Inject(chars, pieces, 64);
        Assert.Equal(["[CLS]", "患", "者", "头", "痛", "发", "热", "[SEP]"], Tokens(noKg));
        Assert.Equal(Enumerable.Range(0, 8), noKg.Positions);
        Assert.Equal([1, 2, 3, 4, 5, 6], noKg.SentenceTokens);
        Assert.Empty(noKg.Branches);

        var oneObject = new KnowledgeInjector(Graph, Tokenizer, new KnowledgeInjectionOptions(MaxObjects: 1)).Inject(chars, pieces, 64);
        Assert.Equal(["头痛 症状", "发热 症状"], oneObject.Branches.Select(b => $"{b.Entity} {b.Injected}"));
    }

    [Fact]
    public void Over_the_length_limit_branches_go_from_the_end_and_every_sentence_piece_stays()
    {
        var (chars, pieces) = Sentence("患者头痛发热");
        var injector = new KnowledgeInjector(Graph, Tokenizer);
        Assert.Equal(["头痛 症状", "头痛 疼痛"], injector.Inject(chars, pieces, 12).Branches.Select(b => $"{b.Entity} {b.Injected}"));
        Assert.Equal(["头痛 症状"], injector.Inject(chars, pieces, 11).Branches.Select(b => $"{b.Entity} {b.Injected}"));
        var bare = injector.Inject(chars, pieces, 8);
        Assert.Empty(bare.Branches);
        Assert.Equal(6, bare.SentenceTokens.Length);
        Assert.Throws<ArgumentException>(() => injector.Inject(chars, pieces, 7));
    }

    [Fact]
    public void An_entity_that_ends_inside_a_word_piece_gets_no_branch()
    {
        // "ct" is one piece over two characters; the graph's "c" ends inside it.
        var (chars, pieces) = Sentence("ct检查");
        Assert.Equal(3, pieces.Count);
        var s = new KnowledgeInjector(Graph, Tokenizer).Inject(chars, pieces, 64);
        Assert.Empty(s.Branches);
        Assert.Equal(["[CLS]", "ct", "检", "查", "[SEP]"], Tokens(s));
    }
}

/// <summary>The sentence-tree view of what was injected.</summary>
public class KnowledgeTreeViewTests
{
    [Fact]
    public void Entities_show_their_injected_objects_in_text_and_html()
    {
        var doc = Document.Create("s1", "患者头痛发热", [], "t");
        var branches = new[] { new Branch("头痛", "症状", 2, 3, 5, 2, 2, 4), new Branch("头痛", "疼痛", 2, 3, 7, 2, 2, 4), new Branch("发热", "<症状>", 4, 5, 11, 2, 4, 6) };
        var view = new KnowledgeTreeView().Add(doc, branches).Add(Document.Create("s2", "无", [], "t"), []);
        Assert.Equal("患者头痛{症状|疼痛}发热{<症状>}\n无\n", view.ToText().ReplaceLineEndings("\n"));
        string html = view.ToHtml();
        Assert.Contains(">头痛</mark><sup", html, StringComparison.Ordinal);
        Assert.Contains("&lt;症状&gt;", html, StringComparison.Ordinal);   // encoded
        Assert.Equal(3, html.Split("<sup").Length - 1);
    }
}
