namespace TorchBinding.Tests;

/// <summary>The choice of OpenBLAS's kernel family: which families a CPU can run, the choosing rule, the cache file.</summary>
public class BlasCoreTypesTests
{
    private static BlasCoreTypes.Measurement M(string core, double gflops, double error = 5e-7) => new(core, gflops, error);

    [Fact]
    public void Only_families_whose_instructions_the_cpu_has_are_tried()
    {
        var avx2 = new HashSet<string> { "sse4_2", "avx", "avx2", "fma" };
        Assert.Equal(["Haswell", "Zen"], BlasCoreTypes.Runnable(avx2));
        var skylake = new HashSet<string>(avx2) { "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl" };
        Assert.Equal(["Haswell", "Zen", "SkylakeX"], BlasCoreTypes.Runnable(skylake));
        Assert.Equal(["Haswell", "Zen", "SkylakeX", "Cooperlake"], BlasCoreTypes.Runnable(new HashSet<string>(skylake) { "avx512_bf16" }));
        Assert.Empty(BlasCoreTypes.Runnable(new HashSet<string> { "sse2" }));
    }

    [Fact]
    public void The_fastest_accurate_family_wins_only_when_it_beats_openblas_own_choice_by_three_percent()
    {
        var own = M("Cooperlake", 200);
        Assert.Equal("Haswell", BlasCoreTypes.Choose(own, [M("Haswell", 214), M("Zen", 209), M("SkylakeX", 203)]));
        Assert.Equal("auto", BlasCoreTypes.Choose(own, [M("Haswell", 205)]));                       // 2.5 %: not worth a change
        Assert.Equal("Zen", BlasCoreTypes.Choose(own, [M("Haswell", 300, error: 1e-3), M("Zen", 209)]));   // fast but wrong: out
        Assert.Equal("auto", BlasCoreTypes.Choose(own, []));
    }

    [Fact]
    public void The_cache_keeps_one_line_per_cpu_and_keys_tell_apart_cpus_with_one_name()
    {
        var flagsA = new HashSet<string> { "avx2", "fma" };
        var flagsB = new HashSet<string> { "avx2", "fma", "avx512f" };
        string a = BlasCoreTypes.CacheKey("AMD EPYC", flagsA), b = BlasCoreTypes.CacheKey("AMD EPYC", flagsB);
        Assert.NotEqual(a, b);
        Assert.Equal(a, BlasCoreTypes.CacheKey("AMD EPYC", new HashSet<string> { "fma", "avx2" }));   // order does not matter

        string text = BlasCoreTypes.WithChoice("", a, "Haswell", new DateTime(2026, 11, 30));
        text = BlasCoreTypes.WithChoice(text, b, "auto", new DateTime(2026, 11, 30));
        text = BlasCoreTypes.WithChoice(text, a, "Zen", new DateTime(2026, 12, 1));                  // remeasured: replaced
        Assert.Equal("Zen", BlasCoreTypes.Lookup(text, a));
        Assert.Equal("auto", BlasCoreTypes.Lookup(text, b));
        Assert.Null(BlasCoreTypes.Lookup(text, "Intel Xeon [00000000]"));
        Assert.Equal(2, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("\t2026-12-01", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_kernel_family_in_use_and_where_it_came_from_are_reported()
    {
        string core = torch.blas.corename();
        if (torch.blas.config().StartsWith("OpenBLAS", StringComparison.Ordinal)) Assert.False(string.IsNullOrEmpty(core));
        // The source follows from what this process started with, whatever the machine sets: the user's variable, the
        // opt-out, else the cache's line for this CPU (a measured family, or none / "auto").
        string? user = Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE");
        string expected;
        if (user is { Length: > 0 }) expected = "environment";
        else if (Environment.GetEnvironmentVariable("CNER_BLAS_CORETYPE") == "auto") expected = "openblas";
        else
        {
            var (model, flags) = BlasCoreTypes.ThisCpu();
            string? cached = File.Exists(BlasCoreTypes.CacheFile) ? BlasCoreTypes.Lookup(File.ReadAllText(BlasCoreTypes.CacheFile), BlasCoreTypes.CacheKey(model, flags)) : null;
            expected = cached is null or "auto" ? "openblas" : "measured";
            if (expected == "measured") Assert.Equal(cached, core, ignoreCase: true);   // the measured family is the one running
        }
        Assert.Equal(expected, BlasCoreTypes.Source);
        if (user is { Length: > 0 } && torch.blas.config().StartsWith("OpenBLAS", StringComparison.Ordinal)) Assert.Equal(user, core, ignoreCase: true);
    }
}
