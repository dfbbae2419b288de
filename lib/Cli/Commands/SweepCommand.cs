using System.CommandLine;
using System.Globalization;
using ClinicalNer.Display;
using ClinicalNer.Models;
using ClinicalNer.Models.Parts;
using ClinicalNer.Runs;
using Reporting;

namespace Cli.Commands;

/// <summary>
/// <c>lab sweep --name NAME --out DIR --seeds 1,2,3 [--vary NAME=V1,V2 ...] TRAIN-OPTIONS</c>: trains the model <c>lab train</c>'s
/// options describe for every combination of the varied settings and every seed, each as a run named
/// NAME/CONFIGURATION/seed=S in DIR/runs.db (a run whose key (model, options, data) matches a finished run of its name is
/// reused, not trained again), then prints and writes the mean ± sd tables and a chart. A varied setting is a field of
/// the model spec (<c>encoders.0.hidden</c>), of the trainer options (<c>epochs</c>, <c>lr</c>), or a lab train shorthand.
/// </summary>
internal static class SweepCommand
{
    public static Command Build()
    {
        var name = Options.Text("--name", "the experiment's name (the prefix of its runs' names)", required: true);
        var output = Options.OutputFolder("--out", "the sweep's folder: one checkpoint folder per run, runs.db, the summary tables and chart");
        var seeds = Options.Text("--seeds", "seeds, comma-separated", "1,2,3");
        var vary = new Option<string[]>("--vary")
        {
            Description = "NAME=V1,V2,...: a spec field (encoders.0.hidden, dropout), a trainer option (epochs, lr) or a lab train option, " +
                          "and its values (repeatable; every combination is run)",
        };
        var command = new Command("sweep", "lab train over a grid of options and several seeds on the run store; mean ± sd per configuration and per type")
        {
            name, output, seeds, vary,
        };
        command.TreatUnmatchedTokensAsErrors = false;   // the rest are lab train's options, checked by it for every run
        command.SetAction(r => Run(r.GetValue(name)!, r.GetValue(output)!, ParseSeeds(r.GetValue(seeds)!), ParseAxes(r.GetValue(vary) ?? []), r.UnmatchedTokens));
        return command;
    }

    // The CLI names of trainer options, as fields of TrainerOptions (varied directly, like spec paths).
    private static readonly Dictionary<string, string> TrainerFields = new(StringComparer.Ordinal)
    {
        ["epochs"] = "epochs", ["batch-size"] = "batchSize", ["lr"] = "learningRate", ["optimizer"] = "optimizer", ["weight-decay"] = "weightDecay",
        ["clip"] = "clipNorm", ["patience"] = "patience", ["warmup"] = "warmupFraction", ["decay"] = "linearDecay", ["head-lr"] = "headLearningRate",
        ["average"] = "weightAveraging", ["adversarial"] = "adversarial", ["max-steps"] = "maxSteps", ["bf16"] = "bf16",
    };

    private static readonly System.Text.Json.JsonSerializerOptions OptionsJson = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private static int Run(string name, string outDir, IReadOnlyList<int> seeds, IReadOnlyList<(string, IReadOnlyList<string>)> axes, IReadOnlyList<string> trainArgs)
    {
        foreach (string reserved in new[] { "--seed", "--out", "--store", "--name", "--reuse", "--resume", "--print-spec" })
            if (trainArgs.Contains(reserved)) throw new ArgumentException($"{reserved} is set by lab sweep for each run; leave it out");
        foreach (var (option, _) in axes)
            if (trainArgs.Contains($"--{option}")) throw new ArgumentException($"--{option} is varied by --vary and also given as a train option; give it once");
        Directory.CreateDirectory(outDir);
        string db = Path.Combine(outDir, "runs.db");
        var grid = Experiment.Grid(axes);
        var trainCommand = TrainCommand.Build();
        var train = new RootCommand { trainCommand };
        var shorthands = trainCommand.Options.Select(o => o.Name.TrimStart('-')).Where(n => !TrainerFields.ContainsKey(n)).ToHashSet(StringComparer.Ordinal);
        ParseResult Parse(IEnumerable<string> extra)
        {
            var parsed = train.Parse(["train", .. trainArgs, .. extra, "--out", outDir]);
            if (parsed.Errors.Count > 0) throw new ArgumentException(string.Join("; ", parsed.Errors.Select(e => e.Message)));
            return parsed;
        }

        // The data, the spec and the trainer options are read once; each configuration edits the spec's fields (a path such
        // as encoders.0.hidden) and the trainer's (epochs, lr, ...) directly. A varied lab train shorthand (hidden, emb, ...)
        // is applied as that option would be on the command line.
        var parsedBase = Parse([]);
        // --nproc N: every run of the sweep data-parallel over N ranks, each rank running the whole sweep; rank 0 records.
        if (TrainCommand.NprocOf(parsedBase) > 1 && !DistributedLaunch.IsRank)
            return DistributedLaunch.Launch(TrainCommand.NprocOf(parsedBase));
        bool main = (DistributedLaunch.JoinIfRank() ?? 0) == 0;
        var splits = TrainCommand.Load(parsedBase);
        var ran = new List<(Configuration, int, long)>();
        var reused = new HashSet<long>();
        using (var store = new RunStore(main ? db : ":memory:"))
        {
            var experiment = new Experiment(store, name, splits.Dataset);
            foreach (var configuration in grid)
            {
                var shorthand = configuration.Settings.Where(kv => shorthands.Contains(kv.Key)).SelectMany(kv => new[] { $"--{kv.Key}", kv.Value }).ToList();
                var parsed = shorthand.Count == 0 ? parsedBase : Parse(shorthand);
                var spec = JsonEdits.Apply(TrainCommand.SpecFor(parsed), configuration.Settings.Where(kv => !shorthands.Contains(kv.Key) && !TrainerFields.ContainsKey(kv.Key))
                    .Select(kv => $"{kv.Key}={kv.Value}"), PartRegistry.Json, PartRegistry.Describe);
                var trainer = JsonEdits.Apply(TrainCommand.OptionsFor(parsed, outDir), configuration.Settings.Where(kv => TrainerFields.ContainsKey(kv.Key))
                    .Select(kv => $"{TrainerFields[kv.Key]}={kv.Value}"), OptionsJson);
                foreach (int seed in seeds)
                {
                    string run = experiment.RunName(configuration, seed);
                    // Each run's checkpoints go to a folder of what it runs, so a sweep of the same name with other settings
                    // never overwrites the checkpoints the store's earlier runs point to.
                    var options = trainer with { Seed = seed, OutputDir = null };
                    string folder = Path.Combine(outDir, configuration.Name, $"seed={seed}", Hash(spec.ToJson() + RunKey.OptionsJson(options)));
                    options = options with { OutputDir = folder };
                    if (main) Console.WriteLine($"{run}:");
                    using var model = TrainCommand.ModelFor(spec, splits.Train, seed);
                    var outcome = TrackedRun.Run(store, run, splits.Dataset, model, options, splits.Train, splits.Dev, splits.Test, reuse: true,
                        resume: ResumeMode.IfSameRun, progress: new ConsoleProgress().Show);
                    if (main) Console.WriteLine(outcome.Reused ? $"{run}: run {outcome.RunId} finished before with the same key {outcome.Key}; reused, nothing trained"
                        : $"{run}: test F1 {(outcome.Test?.Micro.F1 ?? double.NaN) * 100:F2}, run {outcome.RunId} (key {outcome.Key}) recorded in {db}");
                    ran.Add((configuration, seed, outcome.RunId));
                    if (outcome.Reused) reused.Add(outcome.RunId);
                }
            }
        }
        if (!main) return ExitCode.Ok;   // rank 0 summarises
        using var results = new RunStore(db);
        var summary = ExperimentResults.FromRuns(results, name, ran, reused);
        Console.WriteLine($"{name}: {summary.Runs.Count} runs, {reused.Count} of them reused (test and dev strict F1 in %, mean and sample sd over seeds)");
        Console.Write(summary.Summary().ToText());
        Console.Write(summary.PerType().ToText());
        foreach (string written in new[]
                 {
                     summary.Summary().SaveCsvFile(Path.Combine(outDir, "summary.csv")), summary.Summary().SaveMarkdown(Path.Combine(outDir, "summary.md")),
                     summary.PerType().SaveCsvFile(Path.Combine(outDir, "per-type.csv")),
                 })
            Console.WriteLine($"table: {written}");
        string chart = Path.Combine(outDir, "sweep.html");
        summary.Chart().SaveHtml(chart);
        Console.WriteLine($"figure: {chart}");
        return ExitCode.Ok;
    }

    // Eight hex digits of a text.
    private static string Hash(string text) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..8].ToLowerInvariant();

    private static List<int> ParseSeeds(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 0 ? n
            : throw new ArgumentException($"--seeds: '{s}' is not a seed (comma-separated non-negative integers)")).Distinct().ToList() is { Count: > 0 } seeds
        ? seeds : throw new ArgumentException("--seeds: give at least one seed");

    private static List<(string, IReadOnlyList<string>)> ParseAxes(string[] specs) => specs.Select(spec =>
    {
        int eq = spec.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq == spec.Length - 1) throw new ArgumentException($"--vary expects OPTION=V1,V2,..., got '{spec}'");
        string option = spec[..eq].TrimStart('-');
        var values = spec[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (option, (IReadOnlyList<string>)values);
    }).ToList();
}
