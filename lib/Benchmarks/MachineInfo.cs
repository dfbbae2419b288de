using TorchBinding;

namespace Benchmarks;

/// <summary>
/// What every benchmark line says about the machine it ran on: the same code gives different ratios on CPUs of the
/// same kind (AVX-512 or only AVX2, OpenBLAS's kernel choice), so a number without its CPU cannot be compared.
/// </summary>
internal static class MachineInfo
{
    private static readonly string[] Isa = ["avx512f", "avx2", "fma"];

    public static Dictionary<string, object> Describe()
    {
        var (model, flags) = BlasCoreTypes.ThisCpu();
        return new Dictionary<string, object>
        {
            ["cpu"] = model,
            ["cores"] = Environment.ProcessorCount,
            ["isa"] = string.Join(",", Isa.Where(flags.Contains)),
            ["packed_gemm"] = torch.backends.packed_gemm.ToString(),
            // The short paths that bypass ATen where they apply (both follow packed_gemm's ISA or are plain loops).
            ["short_paths"] = string.Join(",", new[] { ("skinny_linear", torch.backends.skinny_linear), ("small_pointwise", torch.backends.small_pointwise) }
                .Where(p => p.Item2).Select(p => p.Item1).DefaultIfEmpty("none")),
            ["blas"] = torch.blas.config(),
            ["blas_coretype"] = $"{torch.blas.corename()} ({BlasCoreTypes.Source})",
            ["libtorch"] = torch.__version__,
        };
    }
}
