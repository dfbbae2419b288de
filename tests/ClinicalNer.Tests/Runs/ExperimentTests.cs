using ClinicalNer.Models.Tagging;
using ClinicalNer.Runs;
using ClinicalNer.Training;

namespace ClinicalNer.Tests;

public class ExperimentTests : TempDirTest
{
    private static RunSetup Tiny(Configuration c, int seed)
    {
        var inputs = TaggerInputs.Build(TinyCorpus.Documents);
        int hidden = int.Parse(c.Settings["hidden"], System.Globalization.CultureInfo.InvariantCulture);
        var model = TaggerModel.Create(inputs, inputs.ModelConfig(m => m with { CharEmbeddingDim = 8, HiddenSize = hidden, Dropout = 0 }), seed);
        return new RunSetup(model, new TrainerOptions(Epochs: 3, BatchSize: 2, LearningRate: 0.05, Patience: 0));
    }

    [Fact]
    public void A_grid_is_every_combination_in_order()
    {
        var grid = Experiment.Grid([("lr", ["1e-3", "2e-3"]), ("dropout", ["0.3", "0.5", "0.7"])]);
        Assert.Equal(["lr=1e-3,dropout=0.3", "lr=1e-3,dropout=0.5", "lr=1e-3,dropout=0.7", "lr=2e-3,dropout=0.3", "lr=2e-3,dropout=0.5", "lr=2e-3,dropout=0.7"],
            grid.Select(c => c.Name));
        Assert.Equal("0.7", grid[5].Settings["dropout"]);
        Assert.Throws<ArgumentException>(() => Experiment.Grid([("lr", [])]));
    }

    [Fact]
    public void An_interrupted_experiment_restarted_runs_only_the_missing_runs_and_summarises_over_seeds()
    {
        using var store = new RunStore(Path.Combine(Dir, "runs.db"));
        var experiment = new Experiment(store, "tiny", "TinyCorpus");
        var grid = Experiment.Grid([("hidden", ["4", "8"])]);
        int[] seeds = [1, 2, 3];
        var docs = TinyCorpus.Documents;

        // The first attempt dies on its fourth run (as a killed process would leave it: three finished, one failed).
        int started = 0;
        Assert.Throws<InvalidOperationException>(() => experiment.Run(grid, seeds, (c, s) =>
            ++started == 4 ? throw new InvalidOperationException("killed") : Tiny(c, s), docs, docs, docs));
        Assert.Equal(3, ExperimentResults.FromStore(store, "tiny").Runs.Count);

        var ran = new List<string>();
        var results = experiment.Run(grid, seeds, (c, s) => { ran.Add(experiment.RunName(c, s)); return Tiny(c, s); }, docs, docs, docs);
        Assert.Equal(["tiny/hidden=8/seed=1", "tiny/hidden=8/seed=2", "tiny/hidden=8/seed=3"], ran);
        Assert.Equal(6, results.Runs.Count);
        var again = experiment.Run(grid, seeds, (c, s) => throw new InvalidOperationException("nothing is left to run"), docs, docs, docs);
        Assert.Equal(6, again.Runs.Count);
        Assert.DoesNotContain(again.Runs, r => r.Scores.Count == 0);

        // Mean ± sd against a hand computation from the store's own scores.
        var summary = results.Summary();
        Assert.Equal(["hidden=4", "hidden=8"], summary.Columns["Configuration"].Cast<string>());
        foreach (var (row, config) in new[] { (0L, "hidden=4"), (1L, "hidden=8") })
        {
            double[] f1 = results.Runs.Where(r => r.Configuration == config).Select(r => store.Scores(r.RunId).Single(s => s.Split == "test" && s.Type == "micro").F1).ToArray();
            double mean = f1.Average(), sd = Math.Sqrt(f1.Sum(v => (v - mean) * (v - mean)) / 2);
            Assert.Equal(3L, summary.Columns["Seeds"][row]);
            Assert.Equal(Math.Round(mean * 100, 2), (double)summary.Columns["TestF1"][row]!);
            Assert.Equal(Math.Round(sd * 100, 2), (double)summary.Columns["TestSd"][row]!);
            double precision = results.Runs.Where(r => r.Configuration == config).Average(r => store.Scores(r.RunId).Single(s => s.Split == "test" && s.Type == "micro").Precision);
            Assert.Equal(Math.Round(precision * 100, 2), (double)summary.Columns["TestP"][row]!);
            // The position-only score (type ignored) is recorded beside the strict one, and can only be higher.
            double position = results.Runs.Where(r => r.Configuration == config).Average(r => store.Scores(r.RunId).Single(s => s.Split == Experiment.PositionSplit && s.Type == "micro").F1);
            Assert.Equal(Math.Round(position * 100, 2), (double)summary.Columns["PositionF1"][row]!);
            Assert.True(position >= mean - 1e-12);
        }
        // A subset, in the order asked for; an unknown configuration is named.
        var only = results.Only("hidden=8", "hidden=4");
        Assert.Equal(["hidden=8", "hidden=4"], only.Configurations);
        Assert.Equal(6, only.Runs.Count);
        Assert.Equal(3, results.Only("hidden=4").Runs.Count);
        Assert.Contains("'hidden=5'", Assert.Throws<ArgumentException>(() => results.Only("hidden=5")).Message);
        var perType = results.PerType();
        Assert.Equal(2 * 4, perType.Rows.Count);   // BODY, CHECK, DISEASE, SIGNS for each configuration
        var chart = results.Chart().ToFigureJson();
        Assert.Equal(2, chart["data"]!.AsArray().Count);
        Assert.Equal(5, chart["data"]![0]!["error_y"]!["array"]!.AsArray().Count);
    }

    [Fact]
    public void A_run_cut_off_after_an_epoch_goes_on_from_its_last_checkpoint()
    {
        using var store = new RunStore(Path.Combine(Dir, "runs.db"));
        var experiment = new Experiment(store, "tiny", "TinyCorpus");
        var config = Experiment.Grid([("hidden", ["4"])]);
        var docs = TinyCorpus.Documents;
        RunSetup WithFolder(Configuration c, int s) { var setup = Tiny(c, s); return setup with { Options = setup.Options with { OutputDir = Path.Combine(Dir, "run") } }; }

        // The first attempt is killed as its second epoch starts: last/ holds epoch 1.
        var first = WithFolder(config[0], 1);
        var trainer = new Trainer(first.Options with { Seed = 1 });
        trainer.Progress += e => { if (e.Epoch == 2) throw new OperationCanceledException("killed"); };
        using (first.Model) Assert.Throws<OperationCanceledException>(() => trainer.Fit(first.Model, docs, docs));

        var results = experiment.Run(config, [1], WithFolder, docs, docs, docs);
        var run = Assert.Single(results.Runs);
        Assert.Equal([2, 3], store.Curve(run.RunId).Select(e => e.Epoch));   // epochs 2 and 3 only: epoch 1 came from last/
        Assert.Contains(store.Scores(run.RunId), s => s.Split == "test");
    }

    [Fact]
    public void Mean_and_sd_are_the_sample_statistics()
    {
        var (mean, sd) = ExperimentResults.MeanSd([0.9, 0.92, 0.94]);
        Assert.Equal(0.92, mean, 12);
        Assert.Equal(0.02, sd, 12);
        Assert.Equal((0.5, 0.0), ExperimentResults.MeanSd([0.5]));
    }
}
