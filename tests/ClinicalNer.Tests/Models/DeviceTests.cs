using ClinicalNer.Models.Bert;
using ClinicalNer.Models.FeatureCrf;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Training;
using TorchBinding;
using static TorchBinding.torch;
using ClinicalNer.Data;
using ClinicalNer.Models.Specs;

namespace ClinicalNer.Tests;

/// <summary>
/// Moving models, batches and checkpoints between devices, checked without a GPU on the data-less "meta" device, where
/// every tensor reports the device it was put on. (A whole training step cannot run there: libtorch 1.13's C++ has no
/// meta kernels for index_select, dropout, where or layer norm's backward, which only Python registers; the GPU check
/// script runs the steps on CUDA.)
/// </summary>
public class DeviceTests : TempDirTest
{
    private static readonly List<Document> Tiny = TinyCorpus.Documents;

    private static readonly WordPieceTokenizer Tokenizer = new(
        new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "，", "。", "部", "位", "症", "状", "疾", "病" }.Concat(Tiny.SelectMany(d => d.Chars))
            .Concat(BertSpanModel.DefaultQueries.Values.SelectMany(q => Document.SplitChars(q))).Distinct());

    private static readonly BertConfig TinyBert = BertConfig.Tiny with { HiddenSize = 16, Heads = 2, IntermediateSize = 32, MaxPositions = 64 };

    private static readonly Data.Triple[] Graph = [new("头", "类别", "部位"), new("咳嗽", "类别", "症状"), new("贫血", "类别", "疾病")];

    // Every model family and the parts that build tensors of their own (word, dictionary and bigram ids, attention, the
    // stacked encoder, the CRF and softmax heads, BERT heads, K-BERT's positions and visible matrix, both span scorers).
    public static TheoryData<string> Models => new(Builders.Keys);

    private static readonly Dictionary<string, Func<INerModel>> Builders = new()
    {
        ["BiLSTM-CRF with words, dictionary and bigrams"] = () =>
        {
            var inputs = TaggerInputs.Build(Tiny, segmentationLexicon: ["头痛", "咳嗽"], dictionaryLexicons: new Dictionary<string, IEnumerable<string>> { ["SIGNS"] = ["咳嗽"] }, minBigramCount: 1);
            return TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 8, WordEmbeddingDim = 4, DictionaryEmbeddingDim = 4, BigramEmbeddingDim = 4, HiddenSize = 8, StackedHiddenSize = 4 }));
        },
        ["BiGRU-attention-softmax"] = () =>
        {
            var inputs = TaggerInputs.Build(Tiny);
            return TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 8, Encoder = EncoderKind.BiGru, HiddenSize = 8, AttentionHeads = 2, Decoder = DecoderKind.Softmax }));
        },
        ["feature CRF"] = () => FeatureCrfModel.Build(Tiny),
        ["BERT-softmax"] = () => BertTaggerModel.Create(Tiny, Tokenizer, TinyBert, head: BertHead.Softmax),
        ["BERT-BiLSTM-CRF"] = () => BertTaggerModel.Create(Tiny, Tokenizer, TinyBert, head: BertHead.BiLstmCrf, customize: c => c with { LstmHidden = 4 }),
        ["K-BERT-CRF"] = () => BertTaggerModel.Create(Tiny, Tokenizer, TinyBert, head: BertHead.Crf, knowledge: Graph),
        ["BERT-MRC-biaffine"] = () => BertSpanModel.Create(Tiny, Tokenizer, TinyBert, queries: BertSpanModel.DefaultQueries, customize: c => c with { Hidden = 8 }),
        ["BERT-MRC-pointer"] = () => BertSpanModel.Create(Tiny, Tokenizer, TinyBert, queries: BertSpanModel.DefaultQueries, customize: c => c with { Hidden = 8, PointerHeads = true }),
        ["BERT-biaffine"] = () => BertSpanModel.Create(Tiny, Tokenizer, TinyBert, customize: c => c with { Hidden = 8 }),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Moving_a_model_moves_every_parameter_and_buffer_and_keeps_the_parameters_identity(string name)
    {
        using var model = Builders[name]();
        Assert.Equal(CPU, model.Device);
        var before = model.Network.parameters().ToList();
        model.MoveTo(META);
        Assert.Equal(META, model.Device);
        Assert.Equal(before, model.Network.parameters().ToList());   // the same objects: an optimizer built before still holds them
        Assert.All(model.Network.state_dict(), kv => Assert.True(kv.Value.device_type == DeviceType.Meta, kv.Key));
        Assert.All(before, p => Assert.True(p.requires_grad));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_model_trains_and_predicts_on_the_device_its_options_name(string name)
    {
        using var model = Builders[name]();
        var result = new Trainer(new TrainerOptions(Epochs: 2, BatchSize: 5, Patience: 0, Device: CPU)).Fit(model, Tiny, Tiny);
        Assert.Equal(CPU, model.Device);
        Assert.Equal(2, result.History.Count);
        model.Network.eval();
        var predicted = model.PredictWithConfidence(Tiny, 2);
        Assert.Equal(Tiny.Count, predicted.Count);
        Assert.All(predicted, p => Assert.InRange(p.Confidence, 0, 1));
    }

    [Fact]
    public void A_batch_is_moved_whole_to_the_device_of_the_model_that_reads_it()
    {
        var inputs = TaggerInputs.Build(Tiny, segmentationLexicon: ["头痛"], dictionaryLexicons: new Dictionary<string, IEnumerable<string>> { ["SIGNS"] = ["咳嗽"] }, minBigramCount: 1);
        using var scope = NewDisposeScope();
        var batch = inputs.Encode(Tiny, withTags: true) with { Features = zeros(Tiny.Count, 7, 3) };
        var moved = batch.To(META);
        Tensor?[] all = [moved.Chars, moved.Mask, moved.Words, moved.Dictionary, moved.Tags, moved.Bigrams, moved.Features];
        Assert.All(all, t => Assert.Equal(DeviceType.Meta, t!.device_type));
        Assert.Equal(batch.Lengths, moved.Lengths);
        Assert.Equal(batch.Chars.shape, moved.Chars.shape);
        // Already there: the same values, no copy needed.
        Assert.True(batch.To(CPU).Chars.equal(batch.Chars));
    }

    [Fact]
    public void The_trainer_moves_the_model_to_its_device_before_building_the_optimizer()
    {
        var inputs = TaggerInputs.Build(Tiny);
        using INerModel model = TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 8, HiddenSize = 8 }));
        // The step itself fails on meta (no kernel for the embedding's index_select there), after the move.
        var error = Assert.ThrowsAny<Exception>(() => new Trainer(new TrainerOptions(Epochs: 1, BatchSize: 5, Device: META)).Fit(model, Tiny, Tiny));
        Assert.Contains("'Meta' backend", error.Message);
        Assert.Equal(META, model.Device);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Bf16_on_a_cpu_with_bfloat16_instructions_gives_the_float32_loss_to_its_precision_and_trains(string name)
    {
        using var model = Builders[name]();
        if (!cpu_has_bf16())
        {
            // This CPU would emulate bfloat16 (slower than float32): refused by name, before any step.
            var refused = Assert.Throws<ArgumentException>(() => new Trainer(new TrainerOptions(Epochs: 1, BatchSize: 5, Device: CPU, Bf16: true)).Fit(model, Tiny, Tiny));
            Assert.Contains("has no bfloat16 instructions", refused.Message);
            return;
        }
        model.Network.eval();   // no dropout: the two losses see the same network
        using (var scope = NewDisposeScope())
        {
            float full = model.Loss(Tiny).item<float>();
            float mixed;
            using (autocast(DeviceType.CPU)) mixed = model.Loss(Tiny).to_type(ScalarType.Float32).item<float>();
            Assert.True(float.IsFinite(mixed) && Math.Abs(mixed - full) <= 0.03 * Math.Abs(full) + 1e-3, $"bfloat16 loss {mixed}, float32 loss {full}");
        }
        model.Network.train();
        string threadsBefore = Threading.Description;
        var result = new Trainer(new TrainerOptions(Epochs: 2, BatchSize: 5, Patience: 0, Device: CPU, Bf16: true)).Fit(model, Tiny, Tiny);
        Assert.Equal(threadsBefore, Threading.Description);   // the threads given to oneDNN for the run come back
        Assert.Equal(2, result.History.Count);
        Assert.All(result.History, e => Assert.True(double.IsFinite(e.TrainLoss), $"epoch {e.Epoch}: loss {e.TrainLoss}"));
    }

    [Fact]
    public void Bf16_mixed_precision_is_refused_on_a_device_without_autocast_by_name()
    {
        var inputs = TaggerInputs.Build(Tiny);
        using var model = TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 8, HiddenSize = 8 }));
        var error = Assert.Throws<ArgumentException>(() => new Trainer(new TrainerOptions(Epochs: 1, BatchSize: 5, Device: META, Bf16: true)).Fit(model, Tiny, Tiny));
        Assert.Contains("bf16 mixed precision is for CUDA and CPU devices; this model is on meta", error.Message);
    }

    [Fact]
    public void A_checkpoint_loads_onto_the_device_asked_for_and_gives_the_same_predictions_on_the_host()
    {
        var inputs = TaggerInputs.Build(Tiny);
        string output = Path.Combine(Dir, "run");
        using (var model = TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 8, HiddenSize = 8, Dropout = 0 })))
            new Trainer(new TrainerOptions(Epochs: 40, BatchSize: 5, LearningRate: 0.02, Patience: 0, OutputDir: output, Device: CPU)).Fit(model, Tiny, Tiny);
        string best = Path.Combine(output, Trainer.BestDir);

        using var onMeta = NerCheckpoint.Load(best, META);
        Assert.Equal(META, onMeta.Device);
        Assert.All(onMeta.Network.parameters(), p => Assert.Equal(DeviceType.Meta, p.device_type));

        using var onHost = NerCheckpoint.Load(best, CPU);
        using var plain = NerCheckpoint.Load(best);
        onHost.Network.eval();
        plain.Network.eval();
        Assert.Equal(CPU, onHost.Device);
        Assert.Equal(1.0, Trainer.Evaluate(onHost, Tiny).Micro.F1);
        Assert.Equal(plain.Predict(Tiny), onHost.Predict(Tiny));
    }

    [Fact]
    public void Pretraining_batches_follow_the_model_to_its_device()
    {
        var data = PretrainingData.FromTexts(Tiny.Select(d => d.Text + "\n" + d.Text).ToList(), Tokenizer);
        using var model = new BertForPreTraining(TinyBert with { VocabSize = Tokenizer.VocabularySize });
        model.to(META);
        using var scope = NewDisposeScope();
        var batch = data.Collate(data.InstancesOf(0, new Random(1)).Concat(data.InstancesOf(1, new Random(1))).Take(4).ToList()).To(Devices.Of(model));
        Tensor[] all = [batch.InputIds, batch.TokenTypeIds, batch.AttentionMask, batch.MaskedPositions, batch.MaskedLabels, batch.NextSentenceLabels];
        Assert.All(all, t => Assert.Equal(DeviceType.Meta, t.device_type));
    }

    [Fact]
    public void Devices_are_parsed_checked_and_written_as_PyTorch_spells_them()
    {
        Assert.Equal(cuda.is_available() ? CUDA : CPU, Devices.Resolve("auto"));
        Assert.Equal(cuda.is_available() ? CUDA : CPU, Devices.Resolve(null));
        Assert.Equal(CPU, Devices.Resolve("CPU"));
        Assert.Equal(META, Devices.Resolve("meta"));
        Assert.Contains("expected cpu, cuda, cuda:N or meta", Assert.Throws<ArgumentException>(() => Devices.Resolve("gpu")).Message);
        if (!cuda.is_available())
            Assert.Contains("no CUDA", Assert.Throws<ArgumentException>(() => Devices.Resolve("cuda:0")).Message);
        else
            Assert.Contains("GPU(s) are visible", Assert.Throws<ArgumentException>(() => Devices.Resolve($"cuda:{cuda.device_count()}")).Message);

        string json = System.Text.Json.JsonSerializer.Serialize(new TrainerOptions(Device: new Device(DeviceType.CUDA, 1)));
        Assert.Contains("\"Device\":\"cuda:1\"", json);
        Assert.Equal(new Device(DeviceType.CUDA, 1), System.Text.Json.JsonSerializer.Deserialize<TrainerOptions>(json)!.Device);
    }
}
