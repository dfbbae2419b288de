using ClinicalNer.Display;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Runs;
using ClinicalNer.Training;

namespace ClinicalNer.Tests;

/// <summary>The live line of an experiment's runs: which run, reused or trained, and its progress with an ETA.</summary>
public class ExperimentMonitorTests : TempDirTest
{
    private sealed class Recorder : ILiveHandle
    {
        public List<string> Lines { get; } = [];

        public void Update(object? value) => Lines.Add(DisplayAdapters.Text(value));
    }

    private static RunSetup Tiny(Configuration c, int seed)
    {
        var inputs = TaggerInputs.Build(TinyCorpus.Documents);
        var model = TaggerModel.Create(inputs, inputs.ModelConfig(m => m with { CharEmbeddingDim = 8, HiddenSize = 4, Dropout = 0 }), seed);
        return new RunSetup(model, new TrainerOptions(Epochs: 2, BatchSize: 2, LearningRate: 0.05, Patience: 0));
    }

    [Fact]
    public void Each_run_shows_whether_it_trains_or_is_reused_and_its_epochs()
    {
        using var store = new RunStore(Path.Combine(Dir, "runs.db"));
        var experiment = new Experiment(store, "tiny", "TinyCorpus");
        var line = new Recorder();
        ExperimentMonitor.Attach(experiment, line);
        var config = Experiment.Grid([("hidden", ["4"])]);
        var docs = TinyCorpus.Documents;
        experiment.Run(config, [1], Tiny, docs, docs, docs);
        Assert.Equal("hidden=4, seed 1: training", line.Lines[0]);
        Assert.Contains(line.Lines, l => l.StartsWith("hidden=4, seed 1: epoch 1/2 done in ", StringComparison.Ordinal) && l.Contains(", dev F1 ", StringComparison.Ordinal));
        Assert.Contains(line.Lines, l => l.StartsWith("hidden=4, seed 1: epoch 2/2 done in ", StringComparison.Ordinal));

        line.Lines.Clear();
        experiment.Run(config, [1], Tiny, docs, docs, docs);
        Assert.Equal(["hidden=4, seed 1: finished before with the same key, reused"], line.Lines);
    }
}
