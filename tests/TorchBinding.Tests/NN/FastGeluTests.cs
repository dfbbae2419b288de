using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>
/// The binding's vectorised exact GELU (backends.FusedKernels.Gelu) against libtorch's own gelu and gelu_backward:
/// values and gradients to float rounding over the whole range (tails included), NaN and infinities as libtorch gives
/// them, a recorded backward (create_graph) with libtorch's second derivative, and the cases it leaves to libtorch.
/// </summary>
public class FastGeluTests
{
    private static (Tensor Y, Tensor Dx, string? GradFn) Run(Tensor x, Tensor dy, bool fused)
    {
        using var _ = backends.use_fused(fused ? backends.FusedKernels.All : backends.FusedKernels.None);
        var input = x.detach().clone().requires_grad_(true);
        var y = input.gelu();
        y.backward(dy);
        return (y.detach(), input.grad!, y.grad_fn);
    }

    [Fact]
    public void Values_and_gradients_equal_libtorchs_over_the_whole_range_and_the_fused_path_is_taken()
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        // Every region: deep negative tail (where 1 + erf cancels), the bend, the linear side, beyond exp's range.
        var x = cat([linspace(-14, 14, 200_001), randn(4097) * 3, tensor(new[] { 0f, -0f, 1e-30f, -1e-30f, 100f, -100f })]);
        var dy = randn(x.shape);
        var fused = Run(x, dy, fused: true);
        var plain = Run(x, dy, fused: false);
        Assert.Contains("FastGelu", fused.GradFn, StringComparison.Ordinal);
        Assert.Contains("GeluBackward", plain.GradFn, StringComparison.Ordinal);
        Assert.True(fused.Y.allclose(plain.Y, 1e-5, 1e-6), $"forward: largest difference {(fused.Y - plain.Y).abs().max().item<float>()}");
        Assert.True(fused.Dx.allclose(plain.Dx, 1e-5, 1e-6), $"gradient: largest difference {(fused.Dx - plain.Dx).abs().max().item<float>()}");
    }

    [Fact]
    public void Nan_and_infinities_come_out_as_libtorchs()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1f });
        var dy = ones(4);
        var fused = Run(x, dy, fused: true);
        var plain = Run(x, dy, fused: false);
        float[] f = fused.Y.data<float>(), p = plain.Y.data<float>();
        float[] fg = fused.Dx.data<float>(), pg = plain.Dx.data<float>();
        for (int i = 0; i < 4; i++)
        {
            Assert.True(f[i].Equals(p[i]) || MathF.Abs(f[i] - p[i]) < 1e-6f, $"gelu({x.data<float>()[i]}): {f[i]} vs libtorch's {p[i]}");
            Assert.True(fg[i].Equals(pg[i]) || MathF.Abs(fg[i] - pg[i]) < 1e-6f, $"gelu'({x.data<float>()[i]}): {fg[i]} vs libtorch's {pg[i]}");
        }
    }

    [Fact]
    public void A_recorded_backward_gives_libtorchs_second_derivative()
    {
        using var scope = NewDisposeScope();
        manual_seed(22);
        var x = randn(64) * 2;
        Tensor SecondDerivative(bool fused)
        {
            using var _ = backends.use_fused(fused ? backends.FusedKernels.All : backends.FusedKernels.None);
            var input = x.clone().requires_grad_(true);
            input.gelu().sum().backward(create_graph: true);
            var firstDerivative = input.grad!;
            Assert.NotNull(firstDerivative.grad_fn);   // the gradient was itself recorded
            input.grad = null;
            firstDerivative.sum().backward();
            return input.grad!;
        }
        Assert.True(SecondDerivative(true).allclose(SecondDerivative(false), 1e-5, 1e-6));
    }

    [Fact]
    public void Non_contiguous_input_works_and_other_cases_are_libtorchs()
    {
        using var scope = NewDisposeScope();
        manual_seed(23);
        var x = randn(40, 30).t();   // a transposed view
        var dy = randn(30, 40);
        var fused = Run(x, dy, fused: true);
        var plain = Run(x, dy, fused: false);
        Assert.True(fused.Y.allclose(plain.Y, 1e-5, 1e-6) && fused.Dx.allclose(plain.Dx, 1e-5, 1e-6));

        // The tanh form and float64 are libtorch's kernels whatever the switch says.
        var tanhForm = x.gelu(tanh_approximation: true);
        Assert.Contains("GeluBackward", x.clone().requires_grad_(true).gelu(tanh_approximation: true).grad_fn, StringComparison.Ordinal);
        using (backends.use_fused(backends.FusedKernels.None)) Assert.True(tanhForm.equal(x.gelu(tanh_approximation: true)));
        var x64 = x.to(ScalarType.Float64).requires_grad_(true);
        Assert.Contains("GeluBackward", x64.gelu().grad_fn, StringComparison.Ordinal);
    }
}
