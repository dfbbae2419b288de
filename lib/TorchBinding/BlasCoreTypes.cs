using System.Globalization;

namespace TorchBinding;

/// <summary>
/// OpenBLAS's kernel family ("core type") chosen by measurement on each CPU model. OpenBLAS 0.3.21 picks its kernels
/// from the CPU it recognises, and on some CPUs another family it can run is faster (on an AMD EPYC with AVX-512 its
/// Haswell kernels beat the Cooperlake ones it picks by ~5 %, with the same accuracy). <c>./lab bench blas --save</c>
/// (run once per machine by <c>./lab setup</c>) measures every family the CPU can run and keeps the fastest correct one
/// for this CPU model in <see cref="CacheFile"/>; the binding then sets <c>OPENBLAS_CORETYPE</c> before OpenBLAS loads,
/// unless the user set it, or set <c>CNER_BLAS_CORETYPE=auto</c> to keep OpenBLAS's own choice.
/// </summary>
public static class BlasCoreTypes
{
    /// <summary>A family OpenBLAS can be told to use and the CPU features its kernels need.</summary>
    public sealed record Candidate(string CoreType, string[] NeededFlags);

    /// <summary>The x86-64 families worth trying on CPUs with AVX2 or AVX-512 (DYNAMIC_ARCH builds hold them all).</summary>
    public static IReadOnlyList<Candidate> Known { get; } =
    [
        new("Haswell", ["avx2", "fma"]),
        new("Zen", ["avx2", "fma"]),
        new("SkylakeX", ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]),
        new("Cooperlake", ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16"]),
    ];

    /// <summary>One family's measurement: GFLOPS on BERT-sized products and the largest relative error of a product against float64.</summary>
    public sealed record Measurement(string CoreType, double Gflops, double RelativeError);

    /// <summary>The families whose kernels this CPU can run (from its /proc/cpuinfo flags).</summary>
    public static IReadOnlyList<string> Runnable(IReadOnlySet<string> cpuFlags)
    {
        ArgumentNullException.ThrowIfNull(cpuFlags);
        return [.. Known.Where(c => c.NeededFlags.All(cpuFlags.Contains)).Select(c => c.CoreType)];
    }

    /// <summary>
    /// The family to use: the fastest whose error is within 4x of OpenBLAS's own choice (and below 1e-5), when it is at least
    /// 3 % faster than that choice (<paramref name="automatic"/>); otherwise "auto" (leave OpenBLAS's choice alone).
    /// </summary>
    public static string Choose(Measurement automatic, IEnumerable<Measurement> forced)
    {
        ArgumentNullException.ThrowIfNull(automatic);
        ArgumentNullException.ThrowIfNull(forced);
        double tolerance = Math.Min(1e-5, 4 * Math.Max(automatic.RelativeError, 1e-7));
        var best = forced.Where(m => m.RelativeError <= tolerance && m.Gflops > 0).MaxBy(m => m.Gflops);
        return best is not null && best.Gflops >= 1.03 * automatic.Gflops ? best.CoreType : "auto";
    }

    /// <summary>Where the measured choices live: one line per CPU (<see cref="CacheKey"/>), "key TAB core type TAB date".</summary>
    public static string CacheFile
    {
        get
        {
            string root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? x
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "clinical-ner", "openblas-coretype.tsv");
        }
    }

    /// <summary>The choice recorded for <paramref name="cpuModel"/> in a cache file's text, or null.</summary>
    public static string? Lookup(string cacheText, string cpuModel)
    {
        ArgumentNullException.ThrowIfNull(cacheText);
        foreach (string line in cacheText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] f = line.Split('\t');
            if (f.Length >= 2 && f[0] == cpuModel) return f[1];
        }
        return null;
    }

    /// <summary>The cache file's text with <paramref name="cpuModel"/>'s line replaced (or added).</summary>
    public static string WithChoice(string cacheText, string cpuModel, string coreType, DateTime when)
    {
        ArgumentNullException.ThrowIfNull(cacheText);
        if (cpuModel.Contains('\t') || cpuModel.Contains('\n')) throw new ArgumentException("a CPU model name with a tab or newline", nameof(cpuModel));
        var lines = cacheText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.Split('\t')[0] != cpuModel).ToList();
        lines.Add($"{cpuModel}\t{coreType}\t{when.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>
    /// The cache's key for a CPU: its model name and a hash of its feature flags (virtual machines report generic names such
    /// as "AMD EPYC" for CPUs of different generations).
    /// </summary>
    public static string CacheKey(string model, IReadOnlySet<string> flags)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(flags);
        uint hash = 2166136261;   // FNV-1a over the sorted flags: stable across runs and processes
        foreach (char c in string.Join(' ', flags.Order(StringComparer.Ordinal)))
        {
            hash ^= c;
            hash *= 16777619;
        }
        return $"{model.Replace('\t', ' ').Replace('\n', ' ')} [{hash:x8}]";
    }

    /// <summary>This CPU's model name and feature flags from /proc/cpuinfo (empty off Linux).</summary>
    public static (string Model, IReadOnlySet<string> Flags) ThisCpu()
    {
        string[] cpuinfo = File.Exists("/proc/cpuinfo") ? File.ReadAllLines("/proc/cpuinfo") : [];
        string model = cpuinfo.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var flags = (cpuinfo.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(':', 2)[1] ?? "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return (model, flags);
    }

    /// <summary>
    /// What the binding sets before OpenBLAS loads: the measured family for this CPU, unless <c>OPENBLAS_CORETYPE</c> is
    /// already set or <c>CNER_BLAS_CORETYPE=auto</c>; null for nothing. Where the choice came from is in <see cref="Source"/>.
    /// </summary>
    internal static string? ChoiceAtLoad()
    {
        if (Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") is { Length: > 0 }) { Source = "environment"; return null; }
        if (Environment.GetEnvironmentVariable("CNER_BLAS_CORETYPE") is "auto") { Source = "openblas"; return null; }
        try
        {
            string file = CacheFile;
            string? choice = null;
            if (File.Exists(file))   // /proc/cpuinfo is read at load only when there is a choice to look up
            {
                var (model, flags) = ThisCpu();
                choice = Lookup(File.ReadAllText(file), CacheKey(model, flags));
            }
            if (choice is null or "auto") { Source = "openblas"; return null; }
            Source = "measured";
            return choice;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Source = "openblas";
            return null;
        }
    }

    /// <summary>Where OpenBLAS's kernel family came from: "environment", "measured" (the cache) or "openblas" (its own choice).</summary>
    public static string Source { get; private set; } = "openblas";
}
