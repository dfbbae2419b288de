using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using static TorchBinding.torch;

namespace Benchmarks;

/// <summary>
/// Where the time of a benchmark step goes (<c>--profile</c> of <c>lab bench bert</c> and <c>lab bench bilstm-crf</c>): the step
/// timed as it runs, then libtorch's operator profile of the same steps, with the share of matrix products and of what
/// lies outside libtorch's operators (the binding's fused kernels, C#).
/// </summary>
internal static class StepProfile
{
    private static readonly HashSet<string> MatrixProducts = new(StringComparer.Ordinal) { "aten::addmm", "aten::mm", "aten::bmm", "aten::baddbmm", "aten::matmul" };

    /// <summary>Two warm-up calls, <paramref name="steps"/> timed ones, <paramref name="steps"/> profiled ones; a text report.</summary>
    public static string Describe(string title, Action step, int steps, int rows = 30)
    {
        step();
        step();
        // First the steps as they run untouched (the profiler's own bookkeeping slows steps and touches fresh memory).
        long faultsBefore = MinorPageFaults();
        var clock = Stopwatch.StartNew();
        for (int k = 0; k < steps; k++) step();
        double plainMs = clock.Elapsed.TotalMilliseconds / steps;
        long faults = (MinorPageFaults() - faultsBefore) / steps;
        clock.Restart();
        Profile profile;
        using (profile = autograd.profiler.profile(record_shapes: true))
            for (int k = 0; k < steps; k++) step();
        double profiledMs = clock.Elapsed.TotalMilliseconds / steps;
        double opsMs = profile.self_cpu_time_total / 1000 / steps;
        double gemmMs = profile.key_averages().Where(o => MatrixProducts.Contains(o.Name.Split(' ')[0])).Sum(o => o.SelfUs) / 1000 / steps;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"== {title}");
        text.Append(profile.table(rows));
        text.AppendLine(CultureInfo.InvariantCulture, $"per step unprofiled: {plainMs:F2} ms, {faults:N0} minor page faults (fresh memory the kernel had to map and zero)");
        text.AppendLine(CultureInfo.InvariantCulture, $"per step profiled: {profiledMs:F2} ms, inside libtorch operators {opsMs:F2} ms ({100 * opsMs / profiledMs:F0} %), " +
            $"of which matrix products (addmm, mm, bmm, baddbmm, matmul) {gemmMs:F2} ms; outside them (the binding's fused kernels, C#) {profiledMs - opsMs:F2} ms");
        text.AppendLine(CultureInfo.InvariantCulture, $"machine: {JsonSerializer.Serialize(MachineInfo.Describe())}");
        return text.ToString();
    }

    // Minor page faults of this process so far (field 10 of /proc/self/stat), or 0 where there is no /proc.
    private static long MinorPageFaults()
    {
        if (!File.Exists("/proc/self/stat")) return 0;
        string stat = File.ReadAllText("/proc/self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');   // from field 3 (state) on
        return long.Parse(fields[7], CultureInfo.InvariantCulture);
    }
}
