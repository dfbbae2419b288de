using ClinicalNer.Models;
using ClinicalNer.Models.Specs;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Text.Lexicon;
using ClinicalNer.Training;

namespace ClinicalNer.Tests;

/// <summary>The LSTM-CRF paper's segmentation layer and label consistency check.</summary>
public class PaperTwoPartsTests
{
    private static string Show(Document d, IEnumerable<Segment> segs) => string.Join("/", segs.Select(s => string.Concat(d.Chars.Skip(s.Start).Take(s.Length))));

    [Fact]
    public void Segmentation_keeps_training_entities_whole()
    {
        var train = Document.Create("t", "右下肢水肿", [new(0, 3, "BODY"), new(3, 5, "SIGNS")], "t");
        var seg = new EntityAwareSegmenter(["下肢", "水肿明显", "明显"], [train]);
        // Gold entities are segments even where the lexicon would cut otherwise.
        Assert.Equal("右下肢/水肿", Show(train, seg.Segment(train, keepGoldEntities: true)));
        // New text: the training entity 右下肢 is in the lexicon now, so it stays whole.
        var test = Document.Create("x", "右下肢水肿明显", [], "x");
        Assert.Equal("右下肢/水肿明显", Show(test, seg.Segment(test, keepGoldEntities: false)));
        Assert.Contains("右下肢", seg.Terms);
        Assert.Equal(["右下肢", "水肿明显"], seg.Words(test, keepGoldEntities: false));
        Assert.Equal(["右下肢", "水肿"], seg.Words(train, keepGoldEntities: true));
    }

    [Fact]
    public void Word_features_from_the_segmentation_feed_the_tagger()
    {
        var train = new List<Document>
        {
            Document.Create("1", "右下肢水肿", [new(0, 3, "BODY"), new(3, 5, "SIGNS")], "t"),
            Document.Create("2", "双下肢水肿", [new(0, 3, "BODY"), new(3, 5, "SIGNS")], "t"),
        };
        var inputs = TaggerInputs.Build(train, segmentationLexicon: ["水肿明显"]);
        Assert.True(inputs.WordCount > 2);
        var batch = inputs.Encode(train, withTags: true);
        long[] words = batch.Words!.data<long>();
        Assert.Equal(words[0], words[2]);        // one word id over the whole entity 右下肢
        Assert.NotEqual(words[0], words[3]);
        using var model = TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 8, WordEmbeddingDim = 4, HiddenSize = 8 }));
        Assert.Equal(12, model.Tagger.Config.EmbeddingDim);
        Assert.True(double.IsFinite(model.Loss(train).item<float>()));
    }

    [Fact]
    public void Consistency_check_corrects_types_the_training_set_never_varies()
    {
        var train = new[]
        {
            Document.Create("1", "头痛伴发热", [new(0, 2, "SIGNS"), new(3, 5, "SIGNS")], "t"),
            Document.Create("2", "头痛三天发热", [new(0, 2, "SIGNS"), new(4, 6, "SIGNS")], "t"),
            Document.Create("3", "胸部", [new(0, 2, "BODY")], "t"),
            Document.Create("4", "胸部", [new(0, 2, "SIGNS")], "t"),
        };
        var checker = new LabelConsistencyChecker(train, minCount: 2);
        Assert.Equal(2, checker.KnownSurfaces);             // 头痛, 发热 (胸部 varies)
        var test = new[] { Document.Create("x", "头痛胸部发热", [], "x") };
        IReadOnlyList<EntitySpan>[] predicted = [[new(0, 2, "DISEASE"), new(2, 4, "SIGNS"), new(4, 6, "SIGNS")]];
        var (spans, corrections) = checker.Apply(test, predicted);
        Assert.Equal(new[] { new EntitySpan(0, 2, "SIGNS"), new EntitySpan(2, 4, "SIGNS"), new EntitySpan(4, 6, "SIGNS") }, spans[0]);
        var c = Assert.Single(corrections);
        Assert.Equal(("头痛", "DISEASE", "SIGNS", 2), (c.Surface, c.Before.Type, c.After.Type, c.TrainingCount));

        // Judged against gold: 头痛 is gold DISEASE here, so the change breaks a right prediction; 胸部's type error
        // (gold BODY) is one the check cannot fix (the training set labels 胸部 two ways); 发热 was right.
        var gold = new[] { Document.Create("x", "头痛胸部发热", [new(0, 2, "DISEASE"), new(2, 4, "BODY"), new(4, 6, "SIGNS")], "x") };
        var audit = checker.Audit(gold, predicted);
        Assert.Equal((3, 1, 1, 0, 1), (audit.Predicted, audit.TypeErrors, audit.Changed, audit.ToGold, audit.AwayFromGold));
        Assert.Equal(2 / 3.0, audit.F1Before, 12);
        Assert.Equal(1 / 3.0, audit.F1After, 12);
        // A prediction the check puts right: 头痛 as BODY, gold SIGNS.
        var fixable = checker.Audit([Document.Create("y", "头痛", [new(0, 2, "SIGNS")], "y")], [[new EntitySpan(0, 2, "BODY")]]);
        Assert.Equal((1, 1, 1, 1, 0, 0.0, 1.0), (fixable.Predicted, fixable.TypeErrors, fixable.Changed, fixable.ToGold, fixable.AwayFromGold,
            fixable.F1Before, fixable.F1After));
    }
}

public class FeatureCrfTests : TempDirTest
{
    [Fact]
    public void Feature_crf_learns_from_hand_features_and_round_trips()
    {
        var train = new List<Document>();
        string[] bodies = ["头", "腹", "胸", "腰"], signs = ["痛", "胀", "闷"];
        foreach (string b in bodies)
            foreach (string s in signs)
                if (b + s != "腹闷") // held out
                    train.Add(Document.Create(b + s, $"患者{b}{s}三天。", [new(2, 3, "BODY"), new(3, 4, "SIGNS")], "t"));
        using var model = ClinicalNer.Models.FeatureCrf.FeatureCrfModel.Build(train);
        Assert.True(model.FeatureCount > 20);
        var result = new Trainer(new TrainerOptions(Epochs: 30, BatchSize: 4, LearningRate: 0.1, WeightDecay: 0, Patience: 0)).Fit(model, train, train);
        Assert.Equal(1.0, result.BestDevF1);
        // Unseen combination: the character features still carry the decision.
        var test = new[] { Document.Create("x", "患者腹闷三天。", [new(2, 3, "BODY"), new(3, 4, "SIGNS")], "x") };
        Assert.Equal(1.0, Trainer.Evaluate(model, test).Micro.F1);
        string dir = Path.Combine(Dir, "fcrf");
        model.Save(dir);
        using var back = ClinicalNer.Models.FeatureCrf.FeatureCrfModel.Load(dir);
        back.Network.eval();
        Assert.Equal(model.Predict(test)[0], back.Predict(test)[0]);
        Assert.Equal("H", ClinicalNer.Models.FeatureCrf.CharFeatures.Class("痛"));
        Assert.Equal("D", ClinicalNer.Models.FeatureCrf.CharFeatures.Class("7"));
        Assert.DoesNotContain("Segmentation", model.ConfigJson, StringComparison.Ordinal);   // the key of runs without it is unchanged
    }

    [Fact]
    public void A_feature_crf_of_one_seed_starts_from_the_same_weights_whatever_ran_before()
    {
        var spec = new FeatureCrfSpec();
        using var first = ModelBuilder.Build(spec, TinyCorpus.Documents, seed: 4);
        TorchBinding.torch.randn(100);   // other work draws from libtorch's generator in between
        using var second = ModelBuilder.Build(spec, TinyCorpus.Documents, seed: 4);
        using var other = ModelBuilder.Build(spec, TinyCorpus.Documents, seed: 5);
        var weights = (INerModel m) => m.Network.parameters().Select(p => p.data<float>().ToArray()).ToList();
        Assert.Equal(weights(first), weights(second));
        Assert.NotEqual(weights(first), weights(other));
    }

    [Fact]
    public void Feature_crf_takes_the_segmentation_as_features_and_keeps_it_through_a_checkpoint()
    {
        string[] words = ["患者", "三天"];
        var at = ClinicalNer.Models.FeatureCrf.CharFeatures.At(["肺", "炎"], 1, null, ["B|肺炎", "E|肺炎"]).ToList();
        Assert.Contains("W=E|肺炎", at);
        Assert.Contains("WP=E", at);
        var train = new List<Document>
        {
            Document.Create("1", "患者头痛三天。", [new(2, 3, "BODY"), new(3, 4, "SIGNS")], "t"),
            Document.Create("2", "患者腹胀三天。", [new(2, 3, "BODY"), new(3, 4, "SIGNS")], "t"),
        };
        using var plain = ClinicalNer.Models.FeatureCrf.FeatureCrfModel.Build(train);
        using var model = ClinicalNer.Models.FeatureCrf.FeatureCrfModel.Build(train, segmentationLexicon: words);
        // Each character gains its place in its word and the word: "患者" is one word, the gold entities are words too.
        Assert.True(model.FeatureCount > plain.FeatureCount);
        Assert.Contains("\"Segmentation\":", model.ConfigJson, StringComparison.Ordinal);
        new Trainer(new TrainerOptions(Epochs: 20, BatchSize: 2, LearningRate: 0.1, WeightDecay: 0, Patience: 0)).Fit(model, train, train);
        string dir = Path.Combine(Dir, "fcrf-seg");
        model.Save(dir);
        using var back = ClinicalNer.Models.FeatureCrf.FeatureCrfModel.Load(dir);
        Assert.Equal(model.ConfigJson, back.ConfigJson);
        var test = new[] { Document.Create("x", "患者胸闷三天。", [], "x") };
        Assert.Equal(model.Predict(test)[0], back.Predict(test)[0]);
    }
}

public class BigramFeatureTests : TempDirTest
{
    [Fact]
    public void Bigram_ids_follow_the_characters_and_survive_a_checkpoint()
    {
        var train = new List<Document>
        {
            Document.Create("1", "头痛头痛", [new(0, 1, "BODY"), new(1, 2, "SIGNS")], "t"),
            Document.Create("2", "头痛三天", [new(0, 1, "BODY"), new(1, 2, "SIGNS")], "t"),
        };
        var inputs = TaggerInputs.Build(train, minBigramCount: 2);
        Assert.Equal(3, inputs.BigramCount);                  // <pad>, <unk>, 头痛 (seen 3 times); the rest are rare
        var ids = inputs.Encode(train, withTags: false).Bigrams!.data<long>();
        Assert.Equal(new long[] { 2, 1, 2, 1, 2, 1, 1, 1 }, ids);
        using var model = TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 8, BigramEmbeddingDim = 4, HiddenSize = 8 }));
        Assert.Equal(12, model.Tagger.Config.EmbeddingDim);
        string dir = Path.Combine(Dir, "ckpt");
        model.Save(dir);
        using var back = TaggerModel.Load(dir);
        Assert.Equal(3, back.Inputs.BigramCount);
        model.Network.eval();
        back.Network.eval();
        Assert.Equal(model.Predict(train), back.Predict(train));
    }
}
