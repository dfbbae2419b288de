using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorchBinding;
using static TorchBinding.torch;

namespace Benchmarks;

/// <summary>
/// <c>lab bench blas [--save [--if-missing]]</c>: every OpenBLAS kernel family this CPU can run, each in its own process
/// (a family the CPU cannot run would crash only that process), timed on BERT-sized products and checked against a
/// float64 product, beside OpenBLAS's own choice; with <c>--save</c> the choice (<see cref="BlasCoreTypes.Choose"/>) is kept
/// for this CPU model and the binding applies it at load. <c>./lab setup</c> runs it once per machine.
/// </summary>
internal static class BlasCoreTypeBenchmark
{
    private static readonly (int M, int K, int N)[] Shapes = [(2048, 256, 1024), (2048, 1024, 256), (2048, 256, 768), (256, 2048, 1024)];

    internal static int Run(bool save, bool ifMissing)
    {
        var (model, flags) = BlasCoreTypes.ThisCpu();
        string key = BlasCoreTypes.CacheKey(model, flags);
        string cache = BlasCoreTypes.CacheFile;
        string cacheText = File.Exists(cache) ? File.ReadAllText(cache) : "";
        if (save && ifMissing && BlasCoreTypes.Lookup(cacheText, key) is not null) return 0;
        var line = Measure();
        line["saved_to"] = save ? cache : "";
        Console.WriteLine(JsonSerializer.Serialize(line));
        if (save)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
            File.WriteAllText(cache, BlasCoreTypes.WithChoice(cacheText, key, (string)line["choice"], DateTime.UtcNow));
        }
        return 0;
    }

    /// <summary>The benchmark's JSON line: OpenBLAS's own choice, every family forced, those that failed, and the choice.</summary>
    public static Dictionary<string, object> Measure()
    {
        var (model, flags) = BlasCoreTypes.ThisCpu();
        // Two interleaved passes, each family keeping its better one: a single pass swung by ±5 % on a machine with other
        // work, more than the 3 % a family must win by.
        BlasCoreTypes.Measurement? automatic = null;
        var best = new Dictionary<string, BlasCoreTypes.Measurement>();
        var failed = new HashSet<string>();
        for (int pass = 0; pass < Passes; pass++)
        {
            automatic = Better(automatic, Child(null) ?? throw new InvalidOperationException("measuring OpenBLAS's own kernel choice failed"));
            foreach (string coreType in BlasCoreTypes.Runnable(flags).Where(c => !failed.Contains(c)))
            {
                if (Child(coreType) is { } m) best[coreType] = Better(best.GetValueOrDefault(coreType), m);
                else failed.Add(coreType);
            }
        }
        var forced = best.Values.ToList();
        return new Dictionary<string, object>
        {
            ["bench"] = "blas",
            ["cpu"] = BlasCoreTypes.CacheKey(model, flags),
            ["openblas_choice"] = Describe(automatic!),
            ["forced"] = forced.Select(Describe).ToList(),
            ["failed"] = failed,
            ["choice"] = BlasCoreTypes.Choose(automatic!, forced),
            ["in_use"] = $"{blas.corename()} ({BlasCoreTypes.Source})",
        };
    }

    private const int Passes = 2;

    // The faster of two measurements of one family, with the larger of their errors.
    private static BlasCoreTypes.Measurement Better(BlasCoreTypes.Measurement? a, BlasCoreTypes.Measurement b) =>
        a is null ? b : (a.Gflops >= b.Gflops ? a : b) with { RelativeError = Math.Max(a.RelativeError, b.RelativeError) };

    private static Dictionary<string, object> Describe(BlasCoreTypes.Measurement m) => new()
    {
        ["coretype"] = m.CoreType, ["gflops"] = Math.Round(m.Gflops, 1), ["relative_error"] = m.RelativeError,
    };

    // This lab in a child process with OPENBLAS_CORETYPE set (or, for null, OpenBLAS left to choose); null when it failed.
    private static BlasCoreTypes.Measurement? Child(string? coreType)
    {
        var psi = ClinicalNer.Runs.ThisProgram.Again(["bench", "blas", "--measure"]);   // the lab command line that runs this benchmark
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        if (coreType is null)
        {
            psi.Environment.Remove("OPENBLAS_CORETYPE");
            psi.Environment["CNER_BLAS_CORETYPE"] = "auto";
        }
        else psi.Environment["OPENBLAS_CORETYPE"] = coreType;
        using var p = Process.Start(psi);
        if (p is null) return null;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        _ = stderr.Result;
        if (p.ExitCode != 0) return null;
        try
        {
            var result = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(stdout.Trim().Split('\n')[^1]);
            if (result is null) return null;
            return new BlasCoreTypes.Measurement(coreType ?? result["coretype"].GetString() ?? "?", result["gflops"].GetDouble(), result["relative_error"].GetDouble());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // GFLOPS on the shapes (the best of three rounds each, at the library's threads) and the error of a 512² product.
    internal static Dictionary<string, object> MeasureHere()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        double seconds = 0, flops = 0;
        foreach (var (m, k, n) in Shapes)
        {
            var a = randn(m, k);
            var b = randn(k, n);
            double best = double.MaxValue;
            for (int round = 0; round < 4; round++)
            {
                var clock = Stopwatch.StartNew();
                int calls = 0;
                while (clock.Elapsed.TotalSeconds < 0.2 || calls < 2)
                {
                    using var c = a.matmul(b);
                    calls++;
                }
                if (round > 0) best = Math.Min(best, clock.Elapsed.TotalSeconds / calls);   // round 0 warms up
            }
            seconds += best;
            flops += 2.0 * m * k * n;
        }
        var x = randn(512, 512);
        var y = randn(512, 512);
        var exact = x.to(ScalarType.Float64).matmul(y.to(ScalarType.Float64));
        double error = (x.matmul(y).to(ScalarType.Float64) - exact).abs().max().item<double>() / exact.abs().max().item<double>();
        return new Dictionary<string, object>
        {
            ["coretype"] = blas.corename(),
            ["gflops"] = flops / seconds / 1e9,
            ["relative_error"] = double.Parse(error.ToString("G3", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
        };
    }
}
