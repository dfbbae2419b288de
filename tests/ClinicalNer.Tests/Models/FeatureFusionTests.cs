using ClinicalNer.Models.Bert;
using ClinicalNer.Models.LanguageModel;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Training;
using static TorchBinding.torch;
using ClinicalNer.Models.Parts;
using ClinicalNer.Models.Specs;

namespace ClinicalNer.Tests;

/// <summary>Paper 4's fusion: frozen providers' features concatenated with a tagger's embeddings, each switchable, saved with it.</summary>
public class FeatureFusionTests : TempDirTest
{
    private static readonly List<Document> Tiny = TinyCorpus.Documents;

    private static BidirectionalLanguageModel SmallBiLm()
    {
        var characters = BidirectionalLanguageModel.VocabularyOf(Tiny.Select(d => d.Text));
        var sizes = new CharLanguageModelConfig(characters.Count + 3, EmbeddingDim: 8, HiddenSize: 6, Dropout: 0);
        manual_seed(4);
        return new BidirectionalLanguageModel(characters, new CharLanguageModel(sizes), new CharLanguageModel(sizes with { Backward = true }));
    }

    private static readonly WordPieceTokenizer Tokenizer = new(new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Concat(Tiny.SelectMany(d => d.Chars).Distinct()));

    private static BertCharacterFeatures SmallBert(int maxPositions = 24)
    {
        manual_seed(5);
        return new BertCharacterFeatures(new BertModel(BertConfig.Tiny with { VocabSize = Tokenizer.VocabularySize, HiddenSize = 16, Heads = 2, IntermediateSize = 32, MaxPositions = maxPositions }), Tokenizer);
    }

    private static SequenceTaggerConfig Small(TaggerInputs inputs) => inputs.ModelConfig(c => c with { CharEmbeddingDim = 8, HiddenSize = 8, Dropout = 0 });

    [Fact]
    public void Each_provider_adds_its_size_to_the_embedding_and_a_fused_tagger_fits_the_tiny_set_and_reloads()
    {
        var inputs = TaggerInputs.Build(Tiny);
        using (var plain = TaggerModel.Create(inputs, Small(inputs)))
        using (var bilmOnly = TaggerModel.Create(inputs, Small(inputs), features: [new BiLmFeatures(SmallBiLm())]))
        {
            Assert.Equal(8, plain.Tagger.Config.EmbeddingDim);
            Assert.Equal(8 + 12, bilmOnly.Tagger.Config.EmbeddingDim);
        }
        string output = Path.Combine(Dir, "run");
        using var fused = TaggerModel.Create(inputs, Small(inputs), features: [new BiLmFeatures(SmallBiLm()), SmallBert()]);
        Assert.Equal(8 + 12 + 16, fused.Tagger.Config.EmbeddingDim);
        var result = new Trainer(new TrainerOptions(Epochs: 60, BatchSize: 5, LearningRate: 0.02, Patience: 0, OutputDir: output)).Fit(fused, Tiny, Tiny);
        Assert.Equal(1.0, result.BestDevF1);
        Assert.All(fused.Features, f => Assert.Equal(Tiny.Count, f.Count));   // computed once per document, whatever the epochs

        foreach (string provider in new[] { "bilm", "bert" }) Assert.True(Directory.Exists(Path.Combine(output, "best", TaggerModel.FeaturesDir, provider)), provider);
        using var reloaded = NerCheckpoint.Load(Path.Combine(output, "best"));
        fused.Network.eval();
        reloaded.Network.eval();
        Assert.Equal(fused.PredictWithConfidence(Tiny, 5).Select(p => p.Spans), reloaded.PredictWithConfidence(Tiny, 2).Select(p => p.Spans));
        Assert.Equal(1.0, Trainer.Evaluate(reloaded, Tiny).Micro.F1);

        // A tagger built for providers refuses to run without them.
        var error = Assert.Throws<ArgumentException>(() => new TaggerModel(new SequenceTagger(fused.Tagger.Config), inputs));
        Assert.Contains("bilm 12, bert 16", error.Message);
    }

    [Fact]
    public void A_cache_shared_by_models_that_do_not_own_it_is_computed_once_and_outlives_them()
    {
        var inputs = TaggerInputs.Build(Tiny);
        using var shared = new CachedCharacterFeatures(new BiLmFeatures(SmallBiLm()));
        var options = new TrainerOptions(Epochs: 2, BatchSize: 5, LearningRate: 0.02, Patience: 0);
        for (int seed = 1; seed <= 2; seed++)
            using (var model = TaggerModel.Create(inputs, Small(inputs), seed, [shared], ownsFeatures: false))
            {
                Assert.Same(shared, model.Features.Single());   // no second cache over the shared one
                new Trainer(options).Fit(model, Tiny, Tiny);
            }
        // Both models are disposed; the shared cache and its language models still work and hold each document once.
        Assert.Equal(Tiny.Count, shared.Count);
        Assert.Equal(new long[] { 1, Tiny[0].Length, 12 }, shared.Compute([Tiny[0]]).shape);
        Assert.Equal(new long[] { 1, Tiny[0].Length, 12 }, ((BiLmFeatures)shared.Inner).Compute([Tiny[0]]).shape);
    }

    [Fact]
    public void Bert_features_cover_long_texts_window_by_window_and_leave_uncovered_characters_at_zero()
    {
        using var bert = SmallBert(maxPositions: 8);   // 6 pieces per window
        var text = "头痛三天 腹痛一周咳嗽三天";                  // 13 characters, a space among them: 12 pieces, 2 windows
        var doc = Document.Create("long", text, [], "t");
        var features = bert.Compute([doc, Tiny[0]]);
        Assert.Equal(new long[] { 2, 13, 16 }, features.shape);
        var norms = features[0].abs().sum(1).data<float>();
        Assert.Equal(0f, norms[4]);                                 // the space: no piece covers it
        Assert.All(norms.Where((_, i) => i != 4), n => Assert.True(n > 0));
        Assert.Equal(0f, features[1].narrow(0, 4, 9).abs().sum().item<float>());   // the short document is padded with zeros
        // A character's features depend on its own window only: the second window (pieces 7-12: 一周咳嗽三天) alone gives the same states.
        var secondWindow = Document.Create("w2", "一周咳嗽三天", [], "t");
        Assert.True(features[0].narrow(0, 7, 6).allclose(bert.Compute([secondWindow])[0], rtol: 1e-4, atol: 1e-5));
        Assert.True(features[0].narrow(0, 0, 4).allclose(bert.Compute([Document.Create("w1", "头痛三天腹痛", [], "t")])[0].narrow(0, 0, 4), rtol: 1e-4, atol: 1e-5));
    }
}
