using ClinicalNer.Models.Tagging;
using ClinicalNer.Training;
using TorchBinding;
using ClinicalNer.Models.Specs;

namespace ClinicalNer.Tests;

/// <summary>Paper 2's stacked BiLSTM (128 then 64 in its code) and its consistency check as a model decorator.</summary>
public class PaperTwoOptionsTests : TempDirTest
{
    [Fact]
    public void A_stacked_bilstm_tagger_trains_saves_and_reloads()
    {
        var inputs = TaggerInputs.Build(TinyCorpus.Documents);
        using var model = TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 16, HiddenSize = 16, StackedHiddenSize = 8, Dropout = 0 }));
        Assert.Equal(16, model.Tagger.Config.EncodedDim);
        var names = model.Tagger.named_parameters().Select(p => p.name).ToList();
        Assert.Contains("encoder.0.rnn.weight_ih_l0", names);
        Assert.Contains("encoder.1.rnn.weight_hh_l0_reverse", names);
        Assert.Equal([32L, 8], model.Tagger.named_parameters().Single(p => p.name == "encoder.1.rnn.weight_hh_l0").parameter.shape);
        string dir = Path.Combine(Dir, "run");
        var result = new Trainer(new TrainerOptions(Epochs: 60, BatchSize: 5, LearningRate: 1e-2, Patience: 0, OutputDir: dir)).Fit(model, TinyCorpus.Documents, TinyCorpus.Documents);
        Assert.Equal(1.0, result.BestDevF1);
        using var loaded = NerCheckpoint.Load(result.BestCheckpoint!);
        Assert.Equal(1.0, Trainer.Evaluate(loaded, TinyCorpus.Documents).Micro.F1);
    }

    [Fact]
    public void The_consistency_check_corrects_what_the_wrapped_model_predicts()
    {
        // Training says 咳嗽 is SIGNS (twice); a model that calls it DISEASE is corrected, one that says SIGNS is left alone.
        var checker = new LabelConsistencyChecker(TinyCorpus.Documents, minCount: 2);
        var doc = Document.Create("x", "咳嗽三天", [new(0, 2, "SIGNS")], "t");
        using var wrapped = new ConsistencyCheckedModel(new FixedModel([new EntitySpan(0, 2, "DISEASE")]), checker);
        Assert.Equal([new EntitySpan(0, 2, "SIGNS")], wrapped.Predict([doc])[0]);
        Assert.Equal([new EntitySpan(0, 2, "SIGNS")], wrapped.PredictWithConfidence([doc], 4)[0].Spans);
        Assert.Equal(0.5, wrapped.PredictWithConfidence([doc], 4)[0].Confidence);
        Assert.Equal(1.0, Trainer.Evaluate(wrapped, [doc]).Micro.F1);
        Assert.EndsWith("+ consistency check", wrapped.Kind, StringComparison.Ordinal);
    }

    // Predicts the same spans for every document, with confidence 0.5.
    private sealed class FixedModel(IReadOnlyList<EntitySpan> spans) : INerModel
    {
        public string? SpecJson { get; set; }

        private readonly torch.nn.Module network = torch.nn.Linear(1, 1);
        public torch.nn.Module Network => network;
        public string Kind => "fixed";
        public string ConfigJson => "{}";
        public torch.Tensor Loss(IReadOnlyList<Document> batch) => throw new NotSupportedException();
        public IReadOnlyList<IReadOnlyList<EntitySpan>> Predict(IReadOnlyList<Document> documents) => documents.Select(_ => spans).ToList();
        public IReadOnlyList<(IReadOnlyList<EntitySpan> Spans, double Confidence)> PredictWithConfidence(IReadOnlyList<Document> documents, int batchSize) =>
            documents.Select(_ => (spans, 0.5)).ToList();
        public int LengthOf(Document document) => document.Chars.Count;
        public IEnumerable<torch.optim.ParamGroup> ParameterGroups(double learningRate, double weightDecay, double? headLearningRate = null) => [];
        public void Save(string directory) { }
        public void LoadWeights(string directory) { }
        public void Dispose() => network.Dispose();
    }
}

public class SegmentationModeTests : TempDirTest
{
    [Fact]
    public void Without_gold_segmentation_training_words_are_the_words_new_text_gets()
    {
        // "查血常规示贫血": the gold CHECK 血常规 and DISEASE 贫血 are training entities; the lexicon here knows neither.
        var doc = TinyCorpus.Documents[4];
        var gold = TaggerInputs.Build(TinyCorpus.Documents, segmentationLexicon: ["头痛"]);
        var plain = TaggerInputs.Build(TinyCorpus.Documents, segmentationLexicon: ["头痛"], goldSegmentationInTraining: false);
        long[] Ids(TaggerInputs inputs, bool withTags) => inputs.Encode([doc], withTags).Words!.data<long>();
        Assert.Equal(Ids(plain, false), Ids(plain, true));
        Assert.True(gold.GoldSegmentationInTraining);
        Assert.False(plain.GoldSegmentationInTraining);
        string path = Path.Combine(Dir, "inputs.json");
        plain.Save(path);
        Assert.False(TaggerInputs.Load(path).GoldSegmentationInTraining);
        gold.Save(path);
        Assert.True(TaggerInputs.Load(path).GoldSegmentationInTraining);
    }
}
