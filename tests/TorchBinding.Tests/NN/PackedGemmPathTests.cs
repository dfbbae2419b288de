using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>
/// The fused recurrences' packed W_hh products have an AVX-512 and an AVX2/FMA kernel; every path this CPU has is forced
/// in turn (so an AVX-512 machine tests the AVX2 one too) and checked against libtorch's own LSTM and GRU, forward and
/// backward, and the two ISAs against each other to the bit.
/// </summary>
[Collection(nameof(PackedGemmPathTests))]   // the path is process-wide: nothing else may switch it meanwhile
public class PackedGemmPathTests : PackedPathTestBase
{
    // Output and input/weight gradients of a bidirectional layer whose gate count is a multiple of 32 (so the packed path runs).
    private static Tensor[] Run(nn.Module rnn, Tensor x, long[] lengths, bool fused)
    {
        using var _ = backends.use_fused(fused ? backends.FusedKernels.All : backends.FusedKernels.None);
        var input = x.clone().requires_grad_(true);
        rnn.zero_grad();
        var output = rnn switch
        {
            Modules.LSTM lstm => lstm.call(input, lengths: lengths).output,
            Modules.GRU gru => gru.call(input, lengths: lengths).output,
            _ => throw new ArgumentException("an LSTM or a GRU", nameof(rnn)),
        };
        output.mul(output).sum().backward();
        return [output.detach(), input.grad!.clone(), .. rnn.parameters().Select(p => p.grad!.clone())];
    }

    // Up to 5 rows per step, below either block height; up to 13, in row blocks of 7 + 6 (AVX-512) or 5 + 4 + 4 (AVX2)
    // as the steps start, fewer as sequences end.
    public static TheoryData<string, int> Kinds => new() { { "lstm", 5 }, { "gru", 5 }, { "lstm", 13 }, { "gru", 13 } };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_path_this_CPU_has_matches_libtorch_and_the_ISAs_agree_to_the_bit(string kind, int batch)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        // LSTM: 4 x 8 gates; GRU: 3 x 32 gates (multiples of 32).
        nn.Module rnn = kind == "lstm" ? nn.LSTM(6, 8, batch_first: true, bidirectional: true) : nn.GRU(6, 32, batch_first: true, bidirectional: true);
        using var __ = rnn;
        var x = randn(batch, 9, 6);
        long[] lengths = batch == 5 ? [9, 7, 4, 2, 1] : [9, 9, 9, 8, 8, 7, 6, 6, 5, 4, 3, 2, 1];
        var reference = Run(rnn, x, lengths, fused: false);

        var paths = backends.packed_gemm_paths();
        Assert.Contains(backends.PackedGemmPath.Off, paths);
        var results = new Dictionary<backends.PackedGemmPath, Tensor[]>();
        foreach (var path in paths)
        {
            backends.packed_gemm = path;
            Assert.Equal(path, backends.packed_gemm);
            results[path] = Run(rnn, x, lengths, fused: true);
            for (int i = 0; i < reference.Length; i++)
                Assert.True(results[path][i].allclose(reference[i], 1e-4, 1e-5), $"{kind} on {path}: tensor {i} differs from libtorch");
        }
        if (results.TryGetValue(backends.PackedGemmPath.Avx512, out var wide) && results.TryGetValue(backends.PackedGemmPath.Avx2, out var narrow))
            for (int i = 0; i < reference.Length; i++)
                Assert.True(wide[i].equal(narrow[i]), $"{kind}: tensor {i} differs between AVX-512 and AVX2");
    }

    [Fact]
    public void Auto_takes_the_best_path_and_a_missing_isa_is_refused_by_name()
    {
        var paths = backends.packed_gemm_paths();
        backends.packed_gemm = backends.PackedGemmPath.Auto;
        Assert.Equal(paths[0], backends.packed_gemm);
        if (!paths.Contains(backends.PackedGemmPath.Avx512))
        {
            var error = Assert.Throws<NotSupportedException>(() => backends.packed_gemm = backends.PackedGemmPath.Avx512);
            Assert.Contains("this CPU lacks it", error.Message);
            Assert.Equal(paths[0], backends.packed_gemm);   // nothing changed
        }
    }
}
