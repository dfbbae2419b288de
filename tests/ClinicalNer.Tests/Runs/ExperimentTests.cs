using ClinicalNer.Display;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Runs;
using ClinicalNer.Training;

namespace ClinicalNer.Tests;

public class ExperimentTests : TempDirTest
{
    private static RunSetup Tiny(Configuration c, int seed) => Tiny(c, seed, o => o);

    /// <summary>A tiny tagger for configuration <paramref name="c"/>; <paramref name="options"/> edits its trainer options.</summary>
    private static RunSetup Tiny(Configuration c, int seed, Func<TrainerOptions, TrainerOptions> options)
    {
        var inputs = TaggerInputs.Build(TinyCorpus.Documents);
        int hidden = int.Parse(c.Settings["hidden"], System.Globalization.CultureInfo.InvariantCulture);
        var model = TaggerModel.Create(inputs, inputs.ModelConfig(m => m with { CharEmbeddingDim = 8, HiddenSize = hidden, Dropout = 0 }), seed);
        var trainer = new TrainerOptions(Epochs: 3, BatchSize: 2, LearningRate: 0.05, Patience: 0);
        return new RunSetup(model, options(trainer));
    }

    // A killed process, as its run's second epoch starts (last/ then holds epoch 1).
    private static void KillAtEpoch2(Configuration c, int seed, TrainingEvent e)
    {
        if (e.Epoch == 2) throw new OperationCanceledException("killed");
    }

    [Fact]
    public void A_report_only_experiment_shows_the_runs_its_store_holds_and_names_a_missing_one()
    {
        using var store = new RunStore(Path.Combine(Dir, "runs.db"));
        var docs = TinyCorpus.Documents;
        var trained = new Experiment(store, "tiny", "TinyCorpus").Run(Experiment.Grid([("hidden", ["4"])]), [1], Tiny, docs, docs, docs);
        var report = new Experiment(store, "tiny", "TinyCorpus", trainsMissingRuns: false);
        Assert.False(report.TrainsMissingRuns);
        // The same run again: read back from the store, nothing trained.
        var shown = report.Run(Experiment.Grid([("hidden", ["4"])]), [1], Tiny, docs, docs, docs);
        Assert.Equal(trained.Runs.Single().RunId, Assert.Single(shown.Reused));
        // A run the store does not hold stops the report with its name, not a training.
        var e = Assert.Throws<InvalidOperationException>(() => report.Run(Experiment.Grid([("hidden", ["8"])]), [1], Tiny, docs, docs, docs));
        Assert.Contains("tiny/hidden=8/seed=1", e.Message);
        Assert.Single(store.Runs("tiny/"));
        Assert.True(new Experiment(store, "tiny", "TinyCorpus").TrainsMissingRuns);   // the default (CNER_REPORT_ONLY unset)
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

        // Restarted: every setup is built (its key needs the model), but only the missing runs train.
        var trained = new List<string>();
        experiment.Starting += (c, s, reused) => { if (!reused) trained.Add(experiment.RunName(c, s)); };
        var results = experiment.Run(grid, seeds, Tiny, docs, docs, docs);
        Assert.Equal(["tiny/hidden=8/seed=1", "tiny/hidden=8/seed=2", "tiny/hidden=8/seed=3"], trained);
        Assert.Equal(6, results.Runs.Count);
        Assert.Equal(3, results.Reused.Count);
        int recorded = store.Runs("tiny/").Count;
        trained.Clear();
        var again = experiment.Run(grid, seeds, Tiny, docs, docs, docs);
        Assert.Empty(trained);
        Assert.Equal(recorded, store.Runs("tiny/").Count);   // nothing new in the store
        Assert.Equal(6, again.Runs.Count);
        Assert.Equal(6, again.Reused.Count);
        Assert.Equal(results.Runs.Select(r => r.RunId), again.Runs.Select(r => r.RunId));
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
        // Per type: the mean precision and recall of the seeds' test scores beside the F1's mean and sd.
        foreach (var row in results.PerTypeRows())
        {
            var scores = results.Runs.Where(r => r.Configuration == row.Configuration).Select(r => r.Scores.Single(x => x.Split == "test" && x.Type == row.Type)).ToList();
            Assert.Equal(Math.Round(scores.Average(x => x.Precision) * 100, 2), row.P);
            Assert.Equal(Math.Round(scores.Average(x => x.Recall) * 100, 2), row.R);
            Assert.Equal(Math.Round(ExperimentResults.MeanSd(scores.Select(x => x.F1).ToList()).Mean * 100, 2), row.F1);
        }
        var chart = results.Chart().ToFigureJson();
        Assert.Equal(2, chart["data"]!.AsArray().Count);
        Assert.Equal(5, chart["data"]![0]!["error_y"]!["array"]!.AsArray().Count);
        // Paper 5's Figure 2(b): P, R and F1 as three series over the configurations, each the seeds' mean and sd.
        var prf = results.PrecisionRecallChart().ToFigureJson()["data"]!.AsArray();
        Assert.Equal(["P", "R", "F1"], prf.Select(s => (string)s!["name"]!));
        var f1Series = prf[2]!["y"]!.AsArray().Select(v => (double)v!).ToList();
        var summaryRows = results.SummaryRows();
        for (int i = 0; i < 2; i++) Assert.Equal(summaryRows[i].TestF1, Math.Round(f1Series[i], 2));
        Assert.Equal(summaryRows[1].TestR, Math.Round((double)prf[1]!["y"]![1]!, 2));
    }

    [Fact]
    public void A_run_cut_off_after_an_epoch_goes_on_from_its_last_checkpoint()
    {
        using var store = new RunStore(Path.Combine(Dir, "runs.db"));
        var experiment = new Experiment(store, "tiny", "TinyCorpus");
        var config = Experiment.Grid([("hidden", ["4"])]);
        var docs = TinyCorpus.Documents;
        RunSetup WithFolder(Configuration c, int s) => Tiny(c, s, o => o with { OutputDir = Path.Combine(Dir, "run") });

        // The first attempt is killed as its second epoch starts: last/ holds epoch 1.
        experiment.Progress += KillAtEpoch2;
        Assert.Throws<OperationCanceledException>(() => experiment.Run(config, [1], WithFolder, docs, docs, docs));
        experiment.Progress -= KillAtEpoch2;

        // A process killed outright leaves its run "running" (no exception reaches the store): one such row, same name and key.
        long killed;
        var (model, options) = WithFolder(config[0], 1);
        using (model)
        {
            var seeded = options with { Seed = 1 };
            killed = store.Track(new Trainer(seeded), model, experiment.RunName(config[0], 1), "TinyCorpus", seeded,
                TrackedRun.KeyOf(model, seeded, docs, docs, docs));
        }

        var results = experiment.Run(config, [1], WithFolder, docs, docs, docs);
        var run = Assert.Single(results.Runs);
        Assert.Equal([2, 3], store.Curve(run.RunId).Select(e => e.Epoch));   // epochs 2 and 3 only: epoch 1 came from last/
        Assert.Contains(store.Scores(run.RunId), s => s.Split == "test");
        // The run that went on marked the killed one; the one that ended by an exception stays "failed".
        Assert.Equal("interrupted", store.Runs().Single(r => r.Id == killed).Status);
        Assert.Equal(1, store.Runs().Count(r => r.Status == "failed"));
    }

    [Fact]
    public void A_smoke_run_left_under_the_default_names_is_not_taken_for_the_default_run()
    {
        // Notebook 01's case: a smoke run (1 epoch) leaves finished runs under the names the default run (3 epochs) uses.
        using var store = new RunStore(Path.Combine(Dir, "runs.db"));
        var experiment = new Experiment(store, "tiny", "TinyCorpus");
        var config = Experiment.Grid([("hidden", ["4"])]);
        var docs = TinyCorpus.Documents;
        RunSetup Smoke(Configuration c, int s) => Tiny(c, s, o => o with { Epochs = 1 });
        var smoke = experiment.Run(config, [1, 2], Smoke, docs, docs, docs);
        Assert.All(smoke.Runs, r => Assert.Single(store.Curve(r.RunId)));

        var reusedFlags = new List<bool>();
        experiment.Starting += (c, s, reused) => reusedFlags.Add(reused);
        var full = experiment.Run(config, [1, 2], Tiny, docs, docs, docs);
        Assert.Equal([false, false], reusedFlags);                              // trained, not reused
        Assert.Empty(full.Reused);
        Assert.All(full.Runs, r => Assert.Equal([1, 2, 3], store.Curve(r.RunId).Select(e => e.Epoch)));
        Assert.Empty(full.Runs.Select(r => r.RunId).Intersect(smoke.Runs.Select(r => r.RunId)));

        // Back to the smoke settings: its runs match their keys again and are reused, not the newer default ones.
        reusedFlags.Clear();
        var smokeAgain = experiment.Run(config, [1, 2], Smoke, docs, docs, docs);
        Assert.Equal([true, true], reusedFlags);
        Assert.Equal(smoke.Runs.Select(r => r.RunId), smokeAgain.Runs.Select(r => r.RunId));

        // A change in the data is a new run too.
        reusedFlags.Clear();
        experiment.Run(config, [1], Tiny, docs, docs, docs.Take(docs.Count - 1).ToList());
        Assert.Equal([false], reusedFlags);
    }

    [Fact]
    public void A_folder_left_by_another_run_is_started_over_not_resumed()
    {
        using var store = new RunStore(Path.Combine(Dir, "runs.db"));
        var experiment = new Experiment(store, "tiny", "TinyCorpus");
        var config = Experiment.Grid([("hidden", ["4"])]);
        var docs = TinyCorpus.Documents;
        RunSetup WithFolder(Configuration c, int s, int epochs) => Tiny(c, s, o => o with { OutputDir = Path.Combine(Dir, "run"), Epochs = epochs });
        // A 2-epoch run is cut off after its first epoch; then a 3-epoch run (another key) gets the same folder.
        experiment.Progress += KillAtEpoch2;
        Assert.Throws<OperationCanceledException>(() => experiment.Run(config, [1], (c, s) => WithFolder(c, s, 2), docs, docs, docs));
        experiment.Progress -= KillAtEpoch2;
        var run = Assert.Single(experiment.Run(config, [1], (c, s) => WithFolder(c, s, 3), docs, docs, docs).Runs);
        Assert.Equal([1, 2, 3], store.Curve(run.RunId).Select(e => e.Epoch));   // from the start: the other run's epoch 1 was not taken
        Assert.Equal(RunKeyOf(store, run.RunId), File.ReadAllText(Path.Combine(Dir, "run", TrackedRun.KeyFile)).Trim());
    }

    private static string RunKeyOf(RunStore store, long id) => store.Runs().Single(r => r.Id == id).Key!;

    [Fact]
    public void Mean_and_sd_are_the_sample_statistics()
    {
        var (mean, sd) = ExperimentResults.MeanSd([0.9, 0.92, 0.94]);
        Assert.Equal(0.92, mean, 12);
        Assert.Equal(0.02, sd, 12);
        Assert.Equal((0.5, 0.0), ExperimentResults.MeanSd([0.5]));
    }
}
