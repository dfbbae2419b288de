using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>
/// Linear layers with at most 16 outputs and no autograd run the binding's skinny kernel (backends.skinny_linear) on
/// whichever packed path is forced. Its floats are a plain chain of fused multiply-adds over k, then the bias, which
/// C#'s MathF.FusedMultiplyAdd reproduces exactly; the BLAS sums in another order, so matching that chain to the bit
/// shows the kernel ran. Everything it does not cover must come out exactly as ATen's.
/// </summary>
[Collection(nameof(PackedGemmPathTests))]   // the packed path is process-wide
public class SkinnyLinearTests : PackedPathTestBase
{
    protected override void RestoreSwitches() => backends.skinny_linear = true;

    // x (M, K) row-major as given, w (N, K), b (N) or null: the kernel's chain per output.
    private static float[] FmaChain(float[] x, int m, int k, float[] w, int n, float[]? b)
    {
        var y = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float acc = 0f;
                for (int t = 0; t < k; t++) acc = MathF.FusedMultiplyAdd(x[i * k + t], w[j * k + t], acc);
                y[i * n + j] = b is null ? acc : acc + b[j];
            }
        return y;
    }

    private static Tensor Aten(Tensor x, Tensor w, Tensor? b)
    {
        backends.skinny_linear = false;
        try { return nn.functional.linear(x, w, b); }
        finally { backends.skinny_linear = true; }
    }

    private static int[] Bits(Tensor t) => t.contiguous().data<float>().Select(BitConverter.SingleToInt32Bits).ToArray();

    public static TheoryData<int, int, int, bool> Shapes => new()
    {
        { 1, 1, 1, false }, { 5, 3, 11, true }, { 7, 256, 11, true }, { 8, 256, 16, false }, { 9, 17, 1, true },
        { 13, 64, 5, true }, { 200, 256, 11, true }, { 67, 100, 16, true },
    };

    // On every kernel path this CPU has: ATen's shape, the fma chain to the bit, ATen's values to rounding.
    private static void AssertEveryKernelPath(Tensor x, Tensor w, Tensor? b, string what)
    {
        long k = x.size(-1), n = w.size(0);
        var rows = x.contiguous().reshape(-1, k);
        float[] expected = FmaChain(rows.data<float>().ToArray(), (int)rows.size(0), (int)k, w.data<float>().ToArray(), (int)n, b?.data<float>().ToArray());
        var aten = Aten(x, w, b);
        foreach (var path in backends.packed_gemm_paths().Where(p => p != backends.PackedGemmPath.Off))
        {
            backends.packed_gemm = path;
            var y = nn.functional.linear(x, w, b);
            Assert.Equal(aten.shape, y.shape);
            Assert.True(expected.Select(BitConverter.SingleToInt32Bits).SequenceEqual(Bits(y)), $"{path}, {what}: not the kernel's fma chain");
            Assert.True(y.allclose(aten, 1e-5, 1e-5), $"{path}, {what}: differs from ATen beyond rounding");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_path_gives_the_fma_chain_to_the_bit_and_atens_values(int m, int k, int n, bool bias)
    {
        using var scope = NewDisposeScope();
        manual_seed(m * 1000 + k + n);
        var x = randn(m, k);
        var w = randn(n, k);
        AssertEveryKernelPath(x, w, bias ? randn(n) : null, $"{m}x{k}x{n}");
    }

    [Fact]
    public void A_transposed_time_major_output_is_read_in_place_and_shaped_as_aten_shapes_it()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var timeMajor = randn(10, 3, 32);             // (L, B, K), as a recurrence writes it
        var x = timeMajor.transpose(0, 1);            // (B, L, K) view: rows strided, K contiguous
        Assert.False(x.is_contiguous());
        AssertEveryKernelPath(x, randn(11, 32), randn(11), "transposed (3, 10, 32)");
    }

    [Fact]
    public void Cases_it_does_not_cover_are_atens_to_the_bit()
    {
        using var scope = NewDisposeScope();
        manual_seed(9);
        var w11 = randn(11, 24);
        var x = randn(6, 24);
        var w17 = randn(17, 24);
        var x64 = randn(6, 24).to(ScalarType.Float64);
        var w64 = randn(11, 24).to(ScalarType.Float64);
        var strided = randn(6, 48)[TensorIndex.Slice(), TensorIndex.Slice(step: 2)];   // K not contiguous
        var fourDims = randn(2, 2, 3, 24);
        // Each case: the same call with the kernel on and off must give the same bits (ATen both times).
        foreach (var (what, xi, wi) in new[] { ("17 outputs", x, w17), ("float64", x64, w64), ("strided K", strided, w11), ("4 dims", fourDims, w11) })
        {
            var on = nn.functional.linear(xi, wi);
            var off = Aten(xi, wi, null);
            Assert.True(on.equal(off), $"{what}: not ATen's result");
        }

        // With gradients recorded ATen runs and the graph is there.
        var wg = w11.clone().requires_grad_(true);
        var yg = nn.functional.linear(x, wg);
        Assert.NotNull(yg.grad_fn);
        yg.sum().backward();
        Assert.True(wg.grad!.allclose(x.sum(0).unsqueeze(0).expand(11, 24), 1e-5, 1e-5));
        Assert.True(yg.detach().equal(Aten(x, w11, null)), "with gradients: not ATen's result");

        // The packed path off sends every product to ATen.
        backends.packed_gemm = backends.PackedGemmPath.Off;
        Assert.True(nn.functional.linear(x, w11).equal(Aten(x, w11, null)), "path off: not ATen's result");
    }
}
