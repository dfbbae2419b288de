using ClinicalNer.Display;
using System.CommandLine;
using ClinicalNer.Data;
using ClinicalNer.Data.Readers;
using ClinicalNer.Models;
using ClinicalNer.Runs;
using ClinicalNer.Training;
using Reporting;
using ClinicalNer.Models.Specs;

namespace Cli.Commands;

/// <summary>
/// <c>lab bootstrap TRAIN-OPTIONS (--pool PATH | --pool-gold PATH) [--threshold 0.9] [--rounds 3] [--pool-size N]</c>: paper 4's
/// self-training with the model <c>lab train</c>'s options describe. Round 0 trains on the labeled set; each round labels
/// the pool with the best model so far, admits the sentences whose confidence (the probability of the predicted tag
/// sequence) is at least the threshold, and trains a fresh model on both; it stops when dev F1 stops rising, nothing
/// passes, or after the last round. Rounds are runs <c>bootstrap/round=R</c> in OUT/runs.db with checkpoints in
/// OUT/round=R; a restarted bootstrap skips finished rounds. <c>--pool</c> is unlabeled text (files or folders);
/// <c>--pool-gold</c> a labeled corpus used as if unlabeled, whose labels measure the pseudo labels' precision.
/// </summary>
internal static class BootstrapCommand
{
    private static readonly Option<string> Pool = Options.ExistingPath("--pool", "unlabeled text to label (a file or folder of raw text)");
    private static readonly Option<string> PoolGold = Options.ExistingPath("--pool-gold", "a labeled corpus used as the pool; its labels only measure the pseudo labels' precision");
    private static readonly Option<double> Threshold = Options.Double("--threshold", "admit a sentence when the model's confidence in its labels is at least this", new BootstrapOptions().Threshold, 0, 1);
    private static readonly Option<int> Rounds = Options.Int("--rounds", "rounds of labelling and retraining after the first model", new BootstrapOptions().MaxRounds, min: 0);
    private static readonly Option<int> PoolSize = Options.Int("--pool-size", "label at most this many pool sentences, drawn at random with --seed (0: all)", 0, min: 0);

    public static Command Build() => TrainCommand.Build("bootstrap",
        "self-training (paper 4): train, label a pool, admit confident sentences, retrain, while dev F1 rises; rounds on the run store",
        Run, Pool, PoolGold, Threshold, Rounds, PoolSize);

    private static int Run(ParseResult r)
    {
        var (outDir, storePath) = TrainCommand.OutputOf(r);
        var spec = TrainCommand.SpecFor(r);
        var splits = TrainCommand.Load(r);
        var options = TrainCommand.OptionsFor(r, outDir);
        var pool = PoolOf(r, options.Seed);
        Console.WriteLine($"pool: {pool.Count:N0} sentences{(pool.Any(d => d.Entities.Count > 0) ? " with gold labels (measuring precision only)" : "")}; " +
                          $"threshold {r.GetValue(Threshold)}, at most {r.GetValue(Rounds)} rounds after the first model");
        Directory.CreateDirectory(outDir);
        using var store = new RunStore(storePath);
        var bootstrap = new Bootstrapper(store, "bootstrap", new BootstrapOptions(r.GetValue(Threshold), r.GetValue(Rounds), options.Device));
        bootstrap.Starting += (round, done) => Console.WriteLine($"round {round}: {(done ? "finished before with the same key, reused" : "training")}");
        var rounds = bootstrap.Run(round =>
        {
            var model = TrainCommand.ModelFor(spec, splits.Train, options.Seed);
            return new RunSetup(model, options with { OutputDir = Path.Combine(outDir, $"round={round}") });
        }, splits.Train, splits.Dev, pool, splits.Dataset);
        Console.Write(DataFrames.FromRecords(rounds.Select(x => new
        {
            x.Round, x.Admitted, x.Pool, DevF1 = Math.Round(x.DevF1 * 100, 2), PseudoPrecision = x.PseudoPrecision is { } p ? Math.Round(p * 100, 2) : double.NaN,
        })).ToText());
        var best = rounds.MaxBy(x => x.DevF1)!;
        Console.WriteLine($"best round {best.Round} (dev F1 {best.DevF1 * 100:F2}): {best.Checkpoint}");
        if (splits.Test is not null)
        {
            using var model = NerCheckpoint.Load(best.Checkpoint!, options.Device);
            var report = Experiment.ScoreTest(store, best.RunId, model, splits.Test);
            Console.WriteLine("test (strict), best round:");
            Console.Write(report.ToTable().ToText());
        }
        return ExitCode.Ok;
    }

    // The pool: raw text cut into pieces like the training data, or a labeled corpus; sampled down to --pool-size.
    private static List<Document> PoolOf(ParseResult r, int seed)
    {
        string? raw = r.GetValue(Pool), gold = r.GetValue(PoolGold);
        if ((raw is null) == (gold is null)) throw new ArgumentException("give the pool as --pool PATH (unlabeled text) or --pool-gold PATH (a labeled corpus), one of them");
        int maxLength = 256;
        var documents = gold is not null
            ? CorpusLoader.Load(gold).SelectMany(c => CorpusLoader.Pieces(c, maxLength)).ToList()
            : PretrainingCorpus.Load([new PretrainingSource(raw!)]).Documents.SelectMany(d => d.Split('\n')).Select(l => l.Trim()).Where(l => l.Length > 1)
                .SelectMany((l, i) => CorpusLoader.Pieces(new Corpus("pool", [Document.Create($"pool{i}", l, [], "pool")], []), maxLength)).ToList();
        if (documents.Count == 0) throw new ArgumentException($"the pool {raw ?? gold} holds no text");
        int size = r.GetValue(PoolSize);
        if (size == 0 || size >= documents.Count) return documents;
        var rng = new Random(seed);
        return documents.OrderBy(_ => rng.Next()).Take(size).ToList();
    }
}
