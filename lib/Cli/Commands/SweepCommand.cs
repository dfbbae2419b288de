using ClinicalNer.Display;
using System.CommandLine;
using System.Globalization;
using ClinicalNer.Runs;
using Reporting;

namespace Cli.Commands;

/// <summary>
/// <c>lab sweep --name NAME --out DIR --seeds 1,2,3 [--vary OPTION=V1,V2 ...] TRAIN-OPTIONS</c>: runs <c>lab train</c> for every
/// combination of the varied options and every seed, each as a run named NAME/CONFIGURATION/seed=S in DIR/runs.db (a
/// run whose key (model, options, data) matches a finished run of its name is reused, not trained again), then prints and
/// writes the mean ± sd tables and a chart.
/// </summary>
internal static class SweepCommand
{
    public static Command Build()
    {
        var name = Options.Text("--name", "the experiment's name (the prefix of its runs' names)", required: true);
        var output = Options.OutputFolder("--out", "the sweep's folder: one checkpoint folder per run, runs.db, the summary tables and chart");
        var seeds = Options.Text("--seeds", "seeds, comma-separated", "1,2,3");
        var vary = new Option<string[]>("--vary") { Description = "OPTION=V1,V2,...: a train option and its values (repeatable; every combination is run)" };
        var command = new Command("sweep", "lab train over a grid of options and several seeds on the run store; mean ± sd per configuration and per type")
        {
            name, output, seeds, vary,
        };
        command.TreatUnmatchedTokensAsErrors = false;   // the rest are lab train's options, checked by it for every run
        command.SetAction(r => Run(r.GetValue(name)!, r.GetValue(output)!, ParseSeeds(r.GetValue(seeds)!), ParseAxes(r.GetValue(vary) ?? []), r.UnmatchedTokens));
        return command;
    }

    private static int Run(string name, string outDir, IReadOnlyList<int> seeds, IReadOnlyList<(string, IReadOnlyList<string>)> axes, IReadOnlyList<string> trainArgs)
    {
        foreach (string reserved in new[] { "--seed", "--out", "--store", "--name", "--reuse" })
            if (trainArgs.Contains(reserved)) throw new ArgumentException($"{reserved} is set by lab sweep for each run; leave it out");
        foreach (var (option, _) in axes)
            if (trainArgs.Contains($"--{option}")) throw new ArgumentException($"--{option} is varied by --vary and also given as a train option; give it once");
        Directory.CreateDirectory(outDir);
        string db = Path.Combine(outDir, "runs.db");
        var grid = Experiment.Grid(axes);
        var train = new RootCommand { TrainCommand.Build() };   // one parser for every run
        var ran = new List<(Configuration, int, long)>();
        var reused = new HashSet<long>();
        using (var store = new RunStore(db))
        {
            var experiment = new Experiment(store, name, "");
            foreach (var configuration in grid)
                foreach (int seed in seeds)
                {
                    string run = experiment.RunName(configuration, seed);
                    Console.WriteLine($"{run}:");
                    var args = new List<string> { "train" };
                    args.AddRange(trainArgs);
                    foreach (var (option, value) in configuration.Settings) args.AddRange([$"--{option}", value]);
                    args.AddRange(["--seed", seed.ToString(CultureInfo.InvariantCulture)]);
                    // Each run's checkpoints go to a folder of its own command line, so a sweep of the same name with other
                    // options never overwrites the checkpoints the store's earlier runs point to.
                    string folder = Path.Combine(outDir, configuration.Name, $"seed={seed}", ArgumentsHash(args));
                    args.AddRange(["--out", folder, "--store", db, "--name", run, "--reuse"]);
                    var parsed = train.Parse(args);
                    if (parsed.Errors.Count > 0) throw new ArgumentException($"{run}: {string.Join("; ", parsed.Errors.Select(e => e.Message))}");
                    var outcome = TrainCommand.Execute(parsed);
                    ran.Add((configuration, seed, outcome.RunId));
                    if (outcome.Reused) reused.Add(outcome.RunId);
                }
        }
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

    // Eight hex digits of the command line a run is trained with.
    private static string ArgumentsHash(IEnumerable<string> args) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\0', args))))[..8].ToLowerInvariant();

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
