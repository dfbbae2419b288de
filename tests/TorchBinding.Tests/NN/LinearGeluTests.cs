using TorchBinding.Extensions;
using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>
/// GELU(x Wᵀ + b) with the bias added inside the GELU pass (Extensions.LinearGelu) against libtorch's linear then gelu:
/// output and the gradients of input, weight and bias to float rounding, on a (B, L, in) input whose rows are split
/// between the cores at places that are not row boundaries; a recorded backward; the cases left to libtorch.
/// </summary>
public class LinearGeluTests
{
    private sealed record Outcome(Tensor Y, Tensor Dx, Tensor Dw, Tensor? Db, string? Fn);

    private static Outcome Run(Tensor x, Modules.Linear layer, Tensor dy, bool fused)
    {
        using var scope = backends.use_fused(fused ? backends.FusedKernels.All : backends.FusedKernels.None);
        layer.zero_grad();
        var input = x.detach().clone().requires_grad_(true);
        var y = LinearGelu.Apply(input, layer);
        y.backward(dy);
        return new(y.detach(), input.grad!, layer.weight.grad!.clone(), layer.bias?.grad?.clone(), y.grad_fn);
    }

    private static void AssertClose(Tensor ours, Tensor libtorch, string what)
    {
        Assert.Equal(libtorch.shape, ours.shape);
        Assert.True(ours.allclose(libtorch, 1e-4, 1e-5), $"{what}: largest difference {(ours - libtorch).abs().max().item<float>()}");
    }

    [Theory]
    [InlineData(4, 131, 40, 1000)]   // 524,000 outputs: past the two-core split, which falls inside a row of 1,000
    [InlineData(2, 3, 5, 7)]         // one short pass
    public void Output_and_every_gradient_equal_libtorchs_linear_then_gelu(int batch, int length, int inFeatures, int outFeatures)
    {
        using var scope = NewDisposeScope();
        manual_seed(51);
        var layer = nn.Linear(inFeatures, outFeatures);
        var x = randn(batch, length, inFeatures) * 2;
        var dy = randn(batch, length, outFeatures);
        var ours = Run(x, layer, dy, fused: true);
        var libtorch = Run(x, layer, dy, fused: false);
        Assert.Contains("FastLinearGelu", ours.Fn, StringComparison.Ordinal);
        Assert.Contains("GeluBackward", libtorch.Fn, StringComparison.Ordinal);
        AssertClose(ours.Y, libtorch.Y, "output");
        AssertClose(ours.Dx, libtorch.Dx, "input gradient");
        AssertClose(ours.Dw, libtorch.Dw, "weight gradient");
        AssertClose(ours.Db!, libtorch.Db!, "bias gradient");
    }

    [Fact]
    public void A_recorded_backward_gives_libtorchs_second_derivative()
    {
        using var scope = NewDisposeScope();
        manual_seed(52);
        var layer = nn.Linear(6, 9);
        var x = randn(4, 6);
        Tensor SecondDerivative(bool fused)
        {
            using var _ = backends.use_fused(fused ? backends.FusedKernels.All : backends.FusedKernels.None);
            var input = x.clone().requires_grad_(true);
            LinearGelu.Apply(input, layer).pow(2).sum().backward(create_graph: true);
            var grad = input.grad!;
            Assert.NotNull(grad.grad_fn);   // the gradient was itself recorded
            input.grad = null;
            grad.pow(2).sum().backward();
            return input.grad!;
        }
        AssertClose(SecondDerivative(true), SecondDerivative(false), "second derivative");
    }

    [Fact]
    public void A_layer_without_bias_and_double_precision_are_libtorchs_and_a_wrong_width_is_named()
    {
        using var scope = NewDisposeScope();
        manual_seed(53);
        var noBias = nn.Linear(5, 4, hasBias: false);
        var x = randn(3, 5);
        using (backends.use_fused(backends.FusedKernels.All))
        {
            var y = LinearGelu.Apply(x.requires_grad_(true), noBias);
            Assert.DoesNotContain("FastLinearGelu", y.grad_fn, StringComparison.Ordinal);
            AssertClose(y.detach(), nn.functional.gelu(noBias.call(x)).detach(), "without bias");
            var wide = nn.Linear(5, 4, dtype: ScalarType.Float64);
            var z = LinearGelu.Apply(randn([3, 5], ScalarType.Float64).requires_grad_(true), wide);
            Assert.DoesNotContain("FastLinearGelu", z.grad_fn, StringComparison.Ordinal);
            var error = Assert.ThrowsAny<Exception>(() => LinearGelu.Apply(randn(3, 6), nn.Linear(5, 4)));
            Assert.Contains("[3, 6]", error.Message, StringComparison.Ordinal);
            Assert.Contains("[4, 5]", error.Message, StringComparison.Ordinal);
        }
    }
}
