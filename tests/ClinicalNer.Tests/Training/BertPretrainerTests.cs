using ClinicalNer.Models.Bert;
using ClinicalNer.Display;
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

    [Fact]
    public void An_encoder_is_taken_only_from_a_pretraining_that_finished()
    {
        var options = new PretrainerOptions(Steps: 6, BatchSize: 4, LearningRate: 1e-3, WarmupSteps: 1, LogEvery: 3, SaveEvery: 3);
        string dir = Path.Combine(Dir, "pretrain");
        Assert.Null(PretrainedEncoder.Find(null, dir).Dir);
        Assert.Contains("no pretraining in", PretrainedEncoder.Find(null, dir).Notice, StringComparison.Ordinal);

        using (var first = new BertForPreTraining(Tiny))
            new BertPretrainer(options).Run(first, Data(), dir, stopAfter: 3);
        Assert.True(File.Exists(Path.Combine(dir, BertCheckpoint.ConfigFile)));   // a usable folder, but a half-done one
        var partial = PretrainedEncoder.Find(null, dir);
        Assert.Null(partial.Dir);
        Assert.Contains("stopped at step 3 of 6", partial.Notice, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, BertPretrainer.CompleteFile)));
        Assert.Contains("stopped at step 3 of 6", PretrainedEncoder.Find(dir, "elsewhere").Notice, StringComparison.Ordinal);   // given: taken, said

        using (var resumed = new BertForPreTraining(Tiny))
            new BertPretrainer(options).Run(resumed, Data(), dir, resume: true);
        Assert.True(File.Exists(Path.Combine(dir, BertPretrainer.CompleteFile)));
        var finished = PretrainedEncoder.Find(null, dir);
        Assert.Equal(dir, finished.Dir);
        Assert.Contains("a finished pretraining (6 steps)", finished.Notice, StringComparison.Ordinal);
        Assert.Throws<DirectoryNotFoundException>(() => PretrainedEncoder.Find(Path.Combine(Dir, "nothing"), dir));
    }

    [Fact]
    public void The_monitor_shows_a_progress_line_and_redraws_the_curve_at_every_log()
    {
        var sink = new RecordingSink();
        var previous = Reporting.Live.Sink;
        Reporting.Live.Sink = sink;
        try
        {
            var options = new PretrainerOptions(Steps: 12, BatchSize: 8, LearningRate: 1e-3, WarmupSteps: 2, LogEvery: 4, SaveEvery: 100);
            var pretrainer = new BertPretrainer(options);
            var monitor = PretrainingMonitor.Attach(pretrainer, "tiny", options.Steps);
            TorchBinding.torch.manual_seed(1);
            using var model = new BertForPreTraining(Tiny);
            var logs = pretrainer.Run(model, Data(), null);
            monitor.Finish(logs, "done");

            // Two live outputs: the progress line (shown first) and the curve, each replaced in place.
            Assert.Equal(2, sink.Handles.Count);
            var line = sink.Handles[0];
            Assert.Contains("tiny: step", Assert.IsType<Reporting.ProgressLine>(line.Values[1]).Text);
            Assert.Equal("done", Assert.IsType<Reporting.ProgressLine>(line.Values[^1]).Text);
            // The curve: once per log (3) and once more at the end, its last version holding every logged step.
            var curve = sink.Handles[1];
            Assert.Equal(logs.Count + 1, curve.Values.Count);
            var last = Assert.IsAssignableFrom<Plotly.NET.GenericChart>(curve.Values[^1]).ToFigureJson()["data"]!.AsArray();
            Assert.Equal(new double[] { 4, 8, 12 }, last[1]!["x"]!.AsArray().Select(v => v!.GetValue<double>()));
        }
        finally
        {
            Reporting.Live.Sink = previous;
        }
    }

    private sealed class RecordingSink : Reporting.ILiveSink
    {
        public List<Handle> Handles { get; } = [];

        public Reporting.ILiveHandle Show(object? value)
        {
            var handle = new Handle();
            handle.Update(value);
            Handles.Add(handle);
            return handle;
        }

        public sealed class Handle : Reporting.ILiveHandle
        {
            public List<object?> Values { get; } = [];
            public void Update(object? value) => Values.Add(value);
        }
    }
}
