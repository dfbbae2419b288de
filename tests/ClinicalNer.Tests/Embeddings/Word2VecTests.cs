using ClinicalNer.Embeddings;

namespace ClinicalNer.Tests;

public class Word2VecTests : TempDirTest
{
    // "头" and "脑" occur in the same contexts; "肝" and "胆" in other contexts.
    private static List<IReadOnlyList<string>> Corpus(int seed)
    {
        var rng = new Random(seed);
        string[] leftA = ["左", "右", "前"], rightA = ["痛", "晕", "胀"], leftB = ["查", "验", "测"], rightB = ["功", "能", "检"];
        var sentences = new List<IReadOnlyList<string>>();
        for (int k = 0; k < 3000; k++)
        {
            bool first = rng.Next(2) == 0;
            string centre = first ? (rng.Next(2) == 0 ? "头" : "脑") : (rng.Next(2) == 0 ? "肝" : "胆");
            string[] l = first ? leftA : leftB, r = first ? rightA : rightB;
            sentences.Add([l[rng.Next(3)], l[rng.Next(3)], centre, r[rng.Next(3)], r[rng.Next(3)]]);
        }
        return sentences;
    }

    [Theory]
    [InlineData(Word2VecArchitecture.SkipGram, Word2VecEngine.Torch)]
    [InlineData(Word2VecArchitecture.Cbow, Word2VecEngine.Torch)]
    [InlineData(Word2VecArchitecture.SkipGram, Word2VecEngine.FastText)]
    [InlineData(Word2VecArchitecture.Cbow, Word2VecEngine.FastText)]
    public void Tokens_sharing_contexts_end_up_nearer(Word2VecArchitecture architecture, Word2VecEngine engine)
    {
        var w2v = Word2Vec.Train(Corpus(1), new Word2VecOptions(Dimension: 16, Window: 2, Epochs: 5, MinCount: 1, LearningRate: 0.02, BatchSize: 256,
            Subsample: 0, Architecture: architecture, Engine: engine));
        Assert.True(w2v.Similarity("头", "脑") > w2v.Similarity("头", "肝") + 0.2, $"头~脑 {w2v.Similarity("头", "脑"):F3}, 头~肝 {w2v.Similarity("头", "肝"):F3}");
        Assert.True(w2v.Similarity("肝", "胆") > w2v.Similarity("脑", "胆") + 0.2);
    }

    [Fact]
    public void FastText_vectors_are_reproducible_and_keep_whitespace_tokens()
    {
        var corpus = Corpus(2).Select((s, k) => k % 10 == 0 ? (IReadOnlyList<string>)[.. s, " ", "\u3000", s[0]] : s).ToList();
        var options = new Word2VecOptions(Dimension: 8, Window: 2, Epochs: 2, MinCount: 1, Seed: 7, Engine: Word2VecEngine.FastText);
        var a = Word2Vec.Train(corpus, options);
        var b = Word2Vec.Train(corpus, options);
        Assert.Equal(a.Tokens, b.Tokens);
        Assert.Equal(a.Vectors, b.Vectors);   // one thread, one seed: the same vectors
        Assert.NotNull(a[" "]);
        Assert.NotNull(a["\u3000"]);
        Assert.Equal(corpus.SelectMany(s => s).Distinct().Count(), a.Tokens.Count);
        var other = Word2Vec.Train(corpus, options with { Seed = 8 });
        Assert.NotEqual(a.Vectors, other.Vectors);
    }

    [Fact]
    public void Bigram_vectors_cover_the_taggers_bigram_vocabulary()
    {
        // lab word2vec --bigrams and the tagger's bigram features must cut text the same way, or pretrained rows go unused.
        Assert.Equal(["头痛", "痛</s>"], CharacterBigrams.Of(["头", "痛"]));
        var docs = new[] { Document.Create("a", "左下肢水肿", [], "t"), Document.Create("b", "头痛头晕", [], "t"), Document.Create("c", "肿", [], "t") };
        var inputs = ClinicalNer.Models.Tagging.TaggerInputs.Build(docs, minBigramCount: 1);
        var w2v = Word2Vec.Train(docs.Select(d => (IReadOnlyList<string>)CharacterBigrams.Of(d.Chars).ToList()).ToList(),
            new Word2VecOptions(Dimension: 4, Epochs: 1, MinCount: 1));
        var (_, found) = w2v.MatrixFor(inputs.Bigrams!);
        Assert.Equal(inputs.BigramCount - 2, found);   // every bigram but <pad> and <unk>
    }

    [Fact]
    public void Text_format_round_trip_and_errors()
    {
        var w2v = Word2Vec.Train(Corpus(2), new Word2VecOptions(Dimension: 8, Epochs: 1, MinCount: 1));
        string path = Path.Combine(Dir, "vec.txt");
        w2v.Save(path);
        var back = Word2Vec.Load(path);
        Assert.Equal(w2v.Tokens, back.Tokens);
        Assert.Equal(w2v["头"]!, back["头"]!);
        var vocab = Vocabulary.WithSpecials(["头", "未"]);
        var (matrix, found) = back.MatrixFor(vocab);
        Assert.Equal(1, found);
        Assert.Equal(new long[] { 4, 8 }, matrix.shape);
        Assert.Equal(w2v["头"]!, matrix[2].data<float>());
        File.WriteAllText(path, "2 3\n头 1 2 3\n脑 1 2\n");
        Assert.Contains($"{path}:3: expected a token and 3 values, got 2", Assert.Throws<DataFormatException>(() => Word2Vec.Load(path)).Message);
        File.WriteAllText(path, "x y\n");
        Assert.Contains("expected 'count dimension'", Assert.Throws<DataFormatException>(() => Word2Vec.Load(path)).Message);
    }

    [Fact]
    public void Whitespace_tokens_survive_the_text_format_and_line_breaks_are_refused()
    {
        // A character vocabulary holds " ", "\u3000" and "\t"; a word vocabulary may hold "a b".
        string[] odd = [" ", "\u3000", "\t", "a b", "头"];
        var sentences = Enumerable.Range(0, 200).Select(k => (IReadOnlyList<string>)Enumerable.Range(0, 6).Select(j => odd[(k + j) % odd.Length]).ToList()).ToList();
        var w2v = Word2Vec.Train(sentences, new Word2VecOptions(Dimension: 4, Epochs: 1, MinCount: 1));
        string path = Path.Combine(Dir, "odd.txt");
        w2v.Save(path);
        var back = Word2Vec.Load(path);
        Assert.Equal(w2v.Tokens.OrderBy(t => t, StringComparer.Ordinal), back.Tokens.OrderBy(t => t, StringComparer.Ordinal));
        foreach (string t in odd) Assert.Equal(w2v[t]!, back[t]!);

        var broken = Word2Vec.Train([["x", "\r", "y"], ["y", "x", "\r"]], new Word2VecOptions(Dimension: 4, Epochs: 1, MinCount: 1));
        Assert.Contains("line break", Assert.Throws<ArgumentException>(() => broken.Save(Path.Combine(Dir, "broken.txt"))).Message);
    }
}
