using TorchBinding;

namespace Cli.Bench;

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
            ["blas"] = torch.blas.config(),
            ["blas_coretype"] = $"{torch.blas.corename()} ({BlasCoreTypes.Source})",
            ["libtorch"] = torch.__version__,
        };
    }
}
