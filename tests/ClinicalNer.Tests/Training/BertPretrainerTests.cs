using ClinicalNer.Models.Bert;
using ClinicalNer.Plots;
using ClinicalNer.Training;

namespace ClinicalNer.Tests;

public class BertPretrainerTests : TempDirTest
{
    private static readonly WordPieceTokenizer Tokenizer = new(
        new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Concat("患者头痛三天伴恶心呕吐查血常规示贫血予输液治疗腹胀咳嗽发热".Select(c => c.ToString()).Distinct()));

    private static readonly BertConfig Tiny = BertConfig.Tiny with { VocabSize = Tokenizer.VocabularySize, HiddenSize = 32, Heads = 2, IntermediateSize = 64, MaxPositions = 32 };

    // Documents made of a few fixed sentences: their characters are predictable from context.
    private static PretrainingData Data()
    {
        string[] sentences = ["患者头痛三天。", "伴恶心呕吐。", "查血常规示贫血。", "予输液治疗。", "腹胀咳嗽发热。"];
        var rng = new Random(2);
        var texts = Enumerable.Range(0, 40).Select(_ => string.Concat(Enumerable.Range(0, 6).Select(_ => sentences[rng.Next(sentences.Length)])));
        return PretrainingData.FromTexts(texts, Tokenizer, new PretrainingOptions(MaxLength: 32, MaxPredictions: 5));
    }

    [Fact]
    public void Mlm_accuracy_rises_and_the_checkpoint_loads_as_an_encoder()
    {
        using var model = new BertForPreTraining(Tiny);
        string dir = Path.Combine(Dir, "pre");
        var logs = new BertPretrainer(new PretrainerOptions(Steps: 150, BatchSize: 16, LearningRate: 3e-3, WarmupSteps: 10, LogEvery: 25, SaveEvery: 150)).Run(model, Data(), dir);
        Assert.Equal(6, logs.Count);
        Assert.True(logs[^1].MlmAccuracy > logs[0].MlmAccuracy + 0.08, $"MLM accuracy {logs[0].MlmAccuracy:P1} → {logs[^1].MlmAccuracy:P1}");
        Assert.True(logs[^1].Loss < logs[0].Loss);
        foreach (string f in new[] { "model.safetensors", "config.json", "vocab.txt" }) Assert.True(File.Exists(Path.Combine(dir, f)), f);
        using var bert = new BertModel(BertConfig.Load(Path.Combine(dir, "config.json")));
        BertCheckpoint.LoadEncoder(bert, dir);
        Assert.True(bert.WordEmbeddings.weight.allclose(model.Bert.WordEmbeddings.weight));

        // The learning-curve figure lab pretrain writes: loss, MLM and NSP accuracy (%) at the logged steps.
        var traces = PretrainingCurve.Of(logs).ToFigureJson()["data"]!.AsArray();
        Assert.Equal(["loss", "MLM accuracy", "NSP accuracy"], traces.Select(t => t!["name"]!.GetValue<string>()));
        Assert.All(traces, t => Assert.Equal(logs.Select(l => (double)l.Step), t!["x"]!.AsArray().Select(v => v!.GetValue<double>())));
        Assert.Equal(logs[^1].MlmAccuracy * 100, traces[1]!["y"]!.AsArray()[^1]!.GetValue<double>(), 9);
        Assert.Throws<ArgumentException>(() => PretrainingCurve.Of([]));
    }

    [Fact]
    public void Resume_reproduces_the_uninterrupted_run()
    {
        var options = new PretrainerOptions(Steps: 20, BatchSize: 8, LearningRate: 1e-3, WarmupSteps: 4, LogEvery: 5, SaveEvery: 10);
        TorchBinding.torch.manual_seed(4);
        using var straight = new BertForPreTraining(Tiny);
        var full = new BertPretrainer(options).Run(straight, Data(), Path.Combine(Dir, "a"));

        string dir = Path.Combine(Dir, "b");
        TorchBinding.torch.manual_seed(4);
        using (var first = new BertForPreTraining(Tiny))
            new BertPretrainer(options).Run(first, Data(), dir, stopAfter: 10);
        TorchBinding.torch.manual_seed(99);   // a different process state; resume must restore everything
        using var resumed = new BertForPreTraining(Tiny);
        var second = new BertPretrainer(options).Run(resumed, Data(), dir, resume: true);

        Assert.Equal(full.Select(l => (l.Step, l.Loss, l.MlmAccuracy, l.NspAccuracy)), second.Select(l => (l.Step, l.Loss, l.MlmAccuracy, l.NspAccuracy)));
        Assert.True(straight.Bert.WordEmbeddings.weight.allclose(resumed.Bert.WordEmbeddings.weight, rtol: 1e-5, atol: 1e-6));
    }
}
