using ClinicalNer.Models.Tagging;
using ClinicalNer.Text.Lexicon;
using ClinicalNer.Training;
using static TorchBinding.torch;
using ClinicalNer.Models.Specs;

namespace ClinicalNer.Tests;

/// <summary>SoftLexicon word sets: matched against a brute-force enumeration, encoded, pooled, trained and reloaded.</summary>
public class SoftLexiconTests : TempDirTest
{
    private static readonly List<Document> Tiny = TinyCorpus.Documents;

    // Every substring that is a lexicon word, put in its sets, weighted 4 z / Z: the definition, written out.
    private static Dictionary<(int Position, int Set), Dictionary<string, double>> BruteForce(IReadOnlyList<string> chars, SoftLexicon lexicon)
    {
        var sets = new Dictionary<(int, int), Dictionary<string, double>>();
        var z = new double[chars.Count];
        for (int i = 0; i < chars.Count; i++)
            for (int j = i; j < chars.Count; j++)
            {
                string word = string.Concat(chars.Skip(i).Take(j - i + 1));
                if (!lexicon.Words.TryId(word, out int id) || id < 2) continue;
                for (int p = i; p <= j; p++)
                {
                    int set = i == j ? 3 : p == i ? 0 : p == j ? 2 : 1;
                    if (!sets.TryGetValue((p, set), out var words)) sets[(p, set)] = words = [];
                    words[word] = lexicon.Frequencies[id];
                    z[p] += lexicon.Frequencies[id];
                }
            }
        foreach (var ((p, _), words) in sets)
            foreach (string w in words.Keys.ToList()) words[w] = 4 * words[w] / z[p];
        return sets;
    }

    [Fact]
    public void Sets_hold_every_overlapping_word_with_its_share_of_the_frequencies()
    {
        var lexicon = SoftLexicon.Build(["中国", "中国人", "国人", "人", "北京", "京"], [Document.SplitChars("中国人中国")]);
        // z = 1 + occurrences in the text: 中国 twice, 中国人 and 国人 and 人 once, 北京 and 京 never.
        Assert.Equal(3, lexicon.Frequencies[lexicon.Words.Id("中国")]);
        Assert.Equal(2, lexicon.Frequencies[lexicon.Words.Id("国人")]);
        Assert.Equal(1, lexicon.Frequencies[lexicon.Words.Id("北京")]);

        var sets = lexicon.Sets(Document.SplitChars("中国人民"));
        string[] Words(int i, int s) => sets[i][s].Select(w => lexicon.Words[w.Word]).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "中国", "中国人" }, Words(0, 0));
        Assert.Equal(new[] { "中国人" }, Words(1, 1));
        Assert.Equal(new[] { "中国" }, Words(1, 2));
        Assert.Equal(new[] { "国人" }, Words(1, 0));
        Assert.Equal(new[] { "中国人", "国人" }, Words(2, 2));
        Assert.Equal(new[] { "人" }, Words(2, 3));
        for (int s = 0; s < 4; s++) Assert.Equal(new[] { SoftLexicon.None }, Words(3, s));
        Assert.Equal(1f, sets[3][0].Single().Weight);
        // 人: E {中国人 z 2, 国人 z 2}, S {人 z 2}; Z = 6, so each weighs 4 · 2 / 6.
        Assert.All(sets[2][2].Concat(sets[2][3]), w => Assert.Equal(4.0 * 2 / 6, w.Weight, 6));
    }

    [Fact]
    public void Sets_match_a_brute_force_enumeration_on_random_lexicons_and_texts()
    {
        var random = new Random(7);
        string alphabet = "甲乙丙丁戊";
        string Text(int n) => string.Concat(Enumerable.Range(0, n).Select(_ => alphabet[random.Next(alphabet.Length)]));
        for (int trial = 0; trial < 20; trial++)
        {
            var terms = Enumerable.Range(0, 12).Select(_ => Text(random.Next(1, 5))).ToList();
            var lexicon = SoftLexicon.Build(terms, Enumerable.Range(0, 3).Select(_ => (IReadOnlyList<string>)Document.SplitChars(Text(15))));
            var chars = Document.SplitChars(Text(random.Next(1, 25)));
            var expected = BruteForce(chars, lexicon);
            var sets = lexicon.Sets(chars);
            for (int i = 0; i < chars.Count; i++)
                for (int s = 0; s < 4; s++)
                {
                    var got = sets[i][s].ToDictionary(w => lexicon.Words[w.Word], w => (double)w.Weight);
                    if (!expected.TryGetValue((i, s), out var want)) want = new() { [SoftLexicon.None] = 1 };
                    Assert.Equal(want.Keys.Order(StringComparer.Ordinal), got.Keys.Order(StringComparer.Ordinal));
                    foreach (var (w, weight) in want) Assert.Equal(weight, got[w], 5);
                }
        }
    }

    [Fact]
    public void Batches_pad_sets_to_the_largest_and_the_embedder_pools_them_by_weight()
    {
        var inputs = TaggerInputs.Build(Tiny, softLexiconTerms: ["头痛", "痛", "咳嗽", "三天", "血常规", "常规", "贫血", "腹"]);
        var encoded = inputs.Encode([Tiny[0], Tiny[4]], withTags: false);
        int k = (int)encoded.LexiconWords!.size(3);
        Assert.Equal(new long[] { 2, 7, 4, k }, encoded.LexiconWords.shape);
        Assert.Equal(encoded.LexiconWords.shape, encoded.LexiconWeights!.shape);
        // 头痛三天 is four characters: its padding positions have no word and no weight.
        Assert.Equal(0, encoded.LexiconWords[0, 4].abs().sum().item<long>());
        Assert.Equal(0f, encoded.LexiconWeights[0, 5].abs().sum().item<float>());
        // 痛 (position 1): E {头痛}, S {痛}; B and M empty.
        var ids = encoded.LexiconWords.data<long>().ToArray();
        var weights = encoded.LexiconWeights.data<float>().ToArray();
        long At(int b, int i, int s, int j) => ((b * 7 + i) * 4 + s) * k + j;
        Assert.Equal(inputs.SoftLexicon!.Words.Id("头痛"), ids[At(0, 1, 2, 0)]);
        Assert.Equal(inputs.SoftLexicon.Words.Id("痛"), ids[At(0, 1, 3, 0)]);
        Assert.Equal(1, ids[At(0, 1, 0, 0)]);   // none

        var config = inputs.ModelConfig(c => c with { CharEmbeddingDim = 4, LexiconEmbeddingDim = 3, HiddenSize = 4, Dropout = 0 });
        Assert.Equal(4 + 4 * 3, config.EmbeddingDim);
        using var embedder = new CharacterEmbedder(config);
        using var _ = no_grad();
        var embedded = embedder.Embed(encoded);                                       // (2, 7, 4 + 12)
        var table = embedder.LexiconWords!.weight.data<float>().ToArray();
        var output = embedded.data<float>().ToArray();
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < 7; i++)
                for (int s = 0; s < 4; s++)
                    for (int d = 0; d < 3; d++)
                    {
                        double want = 0;
                        for (int j = 0; j < k; j++) want += weights[At(b, i, s, j)] * table[ids[At(b, i, s, j)] * 3 + d];
                        Assert.Equal(want, output[(b * 7 + i) * 16 + 4 + s * 3 + d], 5);
                    }
    }

    [Fact]
    public void A_tagger_with_word_sets_fits_the_tiny_set_saves_its_lexicon_and_reloads()
    {
        var inputs = TaggerInputs.Build(Tiny, softLexiconTerms: ["头痛", "腹痛", "咳嗽", "腹胀", "血常规", "贫血", "三天"]);
        string output = Path.Combine(Dir, "run");
        using var model = TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 8, LexiconEmbeddingDim = 6, HiddenSize = 8, Dropout = 0 }));
        var table = model.Tagger.Embedder.LexiconWords!.weight;
        var before = table.data<float>().ToArray();
        var result = new Trainer(new TrainerOptions(Epochs: 60, BatchSize: 5, LearningRate: 0.02, Patience: 0, OutputDir: output)).Fit(model, Tiny, Tiny);
        Assert.Equal(1.0, result.BestDevF1);
        // The word sets are trained: the row of a matched word moved, padding's stayed zero.
        var after = table.data<float>().ToArray();
        int row = inputs.SoftLexicon!.Words.Id("头痛");
        Assert.NotEqual(before.Skip(row * 6).Take(6), after.Skip(row * 6).Take(6));
        Assert.All(after.Take(6), v => Assert.Equal(0f, v));
        using var reloaded = NerCheckpoint.Load(Path.Combine(output, "best"));
        var reloadedInputs = ((TaggerModel)reloaded).Inputs;
        Assert.Equal(inputs.SoftLexicon!.Frequencies, reloadedInputs.SoftLexicon!.Frequencies);
        Assert.Equal(inputs.LexiconWordCount, reloadedInputs.LexiconWordCount);
        model.Network.eval();
        reloaded.Network.eval();
        Assert.Equal(model.PredictWithConfidence(Tiny, 5).Select(p => p.Spans), reloaded.PredictWithConfidence(Tiny, 2).Select(p => p.Spans));
        Assert.Equal(1.0, Trainer.Evaluate(reloaded, Tiny).Micro.F1);
    }

    [Fact]
    public void Inputs_with_words_but_no_frequencies_are_refused_by_name()
    {
        var inputs = TaggerInputs.Build(Tiny, softLexiconTerms: ["头痛", "咳嗽"]);
        string path = Path.Combine(Dir, "inputs.json");
        inputs.Save(path);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"SoftLexiconFrequencies\":[", "\"SoftLexiconFrequencies\":[5,"));
        var error = Assert.Throws<InvalidDataException>(() => TaggerInputs.Load(path));
        Assert.Contains("one frequency per word", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_batch_without_word_sets_is_refused_by_a_tagger_that_needs_them()
    {
        var withSets = TaggerInputs.Build(Tiny, softLexiconTerms: ["头痛"]);
        using var embedder = new CharacterEmbedder(withSets.ModelConfig());
        var plain = TaggerInputs.Build(Tiny).Encode(Tiny, withTags: false);
        var error = Assert.Throws<ArgumentException>(() => embedder.Embed(plain));
        Assert.Contains("SoftLexicon", error.Message);
    }
}
