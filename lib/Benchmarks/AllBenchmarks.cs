using System.Diagnostics;
using System.Text.Json;
using TorchBinding;
using static TorchBinding.torch;

namespace Benchmarks;

/// <summary>
/// <c>lab bench all --out FILE</c>: every benchmark in turn (each line printed as it finishes), then one JSON report
/// with the machine, every line and each performance goal with the value measured and whether it holds here. A goal on a
/// ratio to PyTorch is judged by the best round of each side against the other's (noise on a shared host only adds time,
/// so each side's best is the estimate of its own cost); beside it stand the paired rounds' median ratio and its 95 %
/// interval (<see cref="PairedRounds"/>), and whether that interval reaches across the target.
/// </summary>
internal static class AllBenchmarks
{
    /// <summary>
    /// A goal on one number of one benchmark line: <c>Path</c> names it (nested keys joined by dots); <c>Paired</c>, where
    /// there is one, names the same ratio from paired rounds (<see cref="PairedRatio.ToJson"/>).
    /// </summary>
    internal sealed record Goal(string Name, string Bench, string Path, bool AtLeast, double Target, string? Paired = null);

    /// <summary>The goals of the performance work (issue 20); time ratios are ours / PyTorch's, throughput ratios the other way.</summary>
    internal static readonly Goal[] Goals =
    [
        new("BiLSTM-CRF training >= 2.5x PyTorch", "bilstm-crf", "train_ratio", true, 2.5, "paired_train"),
        new("BiLSTM-CRF decoding >= 4x PyTorch", "bilstm-crf", "decode_ratio", true, 4.0, "paired_decode"),
        new("BERT-small training >= 1.5x PyTorch", "bert", "train_ratio", true, 1.5, "paired_train"),
        new("BERT-small training >= 70 % of the matmul peak", "bert", "ours_fraction_of_matmul_peak", true, 0.7),
        new("4x4 add <= 0.5x PyTorch's time", "ops", "add_4x4.ratio", false, 0.5, "add_4x4.paired"),
        new("1024² matmul never slower than PyTorch (time ratio <= 1.0)", "ops", "matmul_1024.ratio", false, 1.0, "matmul_1024.paired"),
    ];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    internal static int Run(string outputPath)
    {
        var clock = Stopwatch.StartNew();
        string started = DateTime.UtcNow.ToString("O");
        var lines = new List<Dictionary<string, object>>();
        void Add(Dictionary<string, object> line)
        {
            lines.Add(line);
            Console.WriteLine(JsonSerializer.Serialize(line));
        }
        Add(BlasCoreTypeBenchmark.Measure());
        Add(OpsBenchmark.Measure());
        Add(OverheadBenchmark.Measure());
        foreach (var line in ThreadsBenchmark.Measure()) Add(line);
        Add(BilstmCrfBenchmark.Measure());
        Add(BertBenchmark.Measure("small", 16, CPU, bf16: false));
        if (cuda.is_available())
        {
            var gpu = new Device(DeviceType.CUDA, 0);
            Add(BertBenchmark.Measure("base", 32, gpu, bf16: false));
            Add(BertBenchmark.Measure("base", 32, gpu, bf16: true));
        }

        var report = new Dictionary<string, object>
        {
            ["report"] = "lab bench all",
            ["started"] = started,
            ["wall_s"] = Math.Round(clock.Elapsed.TotalSeconds),
            ["machine"] = MachineInfo.Describe(),
            ["ours_threads"] = Threading.Description,
            ["goals"] = Evaluate(lines),
            ["benchmarks"] = lines,
        };
        string json = JsonSerializer.Serialize(report, Indented);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllText(outputPath, json + "\n");
        foreach (var goal in (List<Dictionary<string, object>>)report["goals"])
            Console.WriteLine(Describe(goal));
        Console.WriteLine($"report: {outputPath} ({report["wall_s"]} s)");
        return 0;
    }

    /// <summary>
    /// Each goal with the value measured (the CPU line of its benchmark) and whether it holds; where the ratio was also
    /// taken in paired rounds, their median, its 95 % interval and whether the interval reaches across the target.
    /// </summary>
    internal static List<Dictionary<string, object>> Evaluate(IReadOnlyList<Dictionary<string, object>> lines) =>
        Goals.Select(g =>
        {
            var line = lines.FirstOrDefault(l => Equals(l["bench"], g.Bench) && (!l.TryGetValue("device", out var d) || Equals(d, "cpu")))
                ?? throw new InvalidOperationException($"no '{g.Bench}' line to check '{g.Name}' against");
            bool Meets(double v) => g.AtLeast ? v >= g.Target : v <= g.Target;
            double measured = Number(Lookup(line, g.Path));
            var goal = new Dictionary<string, object> { ["goal"] = g.Name, ["measured"] = measured, ["holds"] = Meets(measured) };
            if (g.Paired is not null)
            {
                var paired = (Dictionary<string, object>)Lookup(line, g.Paired);
                double[] interval = (double[])paired["ci95"];
                goal["paired_ratio"] = Number(paired["ratio"]);
                goal["paired_ci95"] = interval;
                goal["paired_across_target"] = Meets(interval[0]) != Meets(interval[1]);
            }
            return goal;
        }).ToList();

    /// <summary>One line per goal: "holds"/"misses", the goal, the value, and the paired median and interval where taken.</summary>
    internal static string Describe(Dictionary<string, object> goal)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        string text = string.Create(invariant, $"{((bool)goal["holds"] ? "holds " : "misses")}  {goal["goal"]}: {Number(goal["measured"])}");
        if (goal.TryGetValue("paired_ci95", out var ci) && ci is double[] interval)
            text += string.Create(invariant, $" (paired rounds: median {Number(goal["paired_ratio"])}, 95 % interval {interval[0]}-{interval[1]}")
                + ((bool)goal["paired_across_target"] ? ", across the target)" : ")");
        return text;
    }

    private static double Number(object value) => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);

    private static object Lookup(Dictionary<string, object> line, string path)
    {
        object current = line;
        foreach (string key in path.Split('.'))
        {
            current = current is Dictionary<string, object> d && d.TryGetValue(key, out var next) ? next
                : throw new InvalidOperationException($"benchmark line '{line["bench"]}' has no '{path}'");
        }
        return current;
    }
}
