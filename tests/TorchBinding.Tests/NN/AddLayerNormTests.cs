using TorchBinding.Extensions;
using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>
/// LayerNorm(a + b) in one pass per row (Extensions.AddLayerNorm) against libtorch's add then layer_norm: output and
/// the gradients of both inputs, the weight and the bias to float rounding, on a tensor small enough for one pass and on
/// one large enough to be cut between the cores (whose weight and bias gradients are summed over the parts); a second
/// backward accumulating into the same leaves; the cases left to libtorch; a recorded backward refused by name.
/// </summary>
public class AddLayerNormTests
{
    private sealed record Outcome(Tensor Y, Tensor Da, Tensor Db, Tensor Dw, Tensor Dbias, string? Fn);

    private static Outcome Run(Tensor a, Tensor b, Modules.LayerNorm norm, Tensor dy, bool fused, int backwards = 1)
    {
        using var _ = backends.use_fused(backends.FusedKernels.All with { LayerNorm = fused });
        norm.zero_grad();
        var x = a.detach().clone().requires_grad_(true);
        var z = b.detach().clone().requires_grad_(true);
        Tensor y = null!;
        for (int k = 0; k < backwards; k++)
        {
            y = AddLayerNorm.Apply(x, z, norm);
            y.backward(dy);
        }
        return new(y.detach(), x.grad!, z.grad!, norm.weight!.grad!.clone(), norm.bias!.grad!.clone(), y.grad_fn);
    }

    private static void AssertClose(Tensor ours, Tensor libtorch, string what)
    {
        Assert.Equal(libtorch.shape, ours.shape);
        Assert.True(ours.allclose(libtorch, 1e-4, 1e-5), $"{what}: largest difference {(ours - libtorch).abs().max().item<double>()}");
    }

    // Output and input gradients against libtorch's float32; the weight and bias gradients, sums over every row, against
    // libtorch in float64: its float32 sums over thousands of rows are off by ~2e-4 themselves (ours accumulate in double).
    private static void AssertSame(Outcome ours, Outcome libtorch, Outcome float64)
    {
        Assert.Contains("AddLayerNorm", ours.Fn, StringComparison.Ordinal);
        Assert.DoesNotContain("AddLayerNorm", libtorch.Fn, StringComparison.Ordinal);
        AssertClose(ours.Y, libtorch.Y, "output");
        AssertClose(ours.Da, libtorch.Da, "gradient of a");
        AssertClose(ours.Db, libtorch.Db, "gradient of b");
        AssertClose(ours.Dw.to_type(ScalarType.Float64), float64.Dw, "weight gradient");
        AssertClose(ours.Dbias.to_type(ScalarType.Float64), float64.Dbias, "bias gradient");
    }

    [Theory]
    [InlineData(2, 5, 24)]       // one pass
    [InlineData(16, 129, 256)]   // 528,384 elements: cut between the cores, rows not evenly divided
    public void Output_and_every_gradient_equal_libtorchs_add_then_layer_norm(int batch, int length, int hidden)
    {
        using var scope = NewDisposeScope();
        manual_seed(61);
        var norm = nn.LayerNorm(hidden, 1e-12);
        using (no_grad())
        {
            norm.weight!.copy_(rand(hidden) + 0.5);
            norm.bias!.copy_(randn(hidden));
        }
        var a = randn(batch, length, hidden) * 3 + 1;
        var b = randn(batch, length, hidden);
        var dy = randn(batch, length, hidden);
        var norm64 = nn.LayerNorm(hidden, 1e-12, dtype: ScalarType.Float64);
        using (no_grad())
        {
            norm64.weight!.copy_(norm.weight!);
            norm64.bias!.copy_(norm.bias!);
        }
        Outcome Float64(int backwards) => Run(a.to_type(ScalarType.Float64), b.to_type(ScalarType.Float64), norm64, dy.to_type(ScalarType.Float64), fused: false, backwards);
        AssertSame(Run(a, b, norm, dy, fused: true), Run(a, b, norm, dy, fused: false), Float64(1));
        AssertSame(Run(a, b, norm, dy, fused: true, backwards: 2), Run(a, b, norm, dy, fused: false, backwards: 2), Float64(2));
    }

    [Fact]
    public void A_norm_without_affine_parameters_other_dtypes_and_broadcasting_are_libtorchs()
    {
        using var scope = NewDisposeScope();
        manual_seed(62);
        var a = randn(3, 8);
        var plain = nn.LayerNorm(8, elementwise_affine: false);
        AssertClose(AddLayerNorm.Apply(a, a * 2, plain), plain.call(a * 3), "without weight and bias");
        var norm = nn.LayerNorm(8);
        var broadcast = AddLayerNorm.Apply(a.requires_grad_(true), ones(8), norm);   // b of another shape
        Assert.DoesNotContain("AddLayerNorm", broadcast.grad_fn, StringComparison.Ordinal);
        AssertClose(broadcast.detach(), norm.call(a + 1).detach(), "broadcast b");
        var wide = nn.LayerNorm(8, dtype: ScalarType.Float64);
        var d = randn([3, 8], ScalarType.Float64).requires_grad_(true);
        Assert.DoesNotContain("AddLayerNorm", AddLayerNorm.Apply(d, d, wide).grad_fn, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recorded_backward_is_refused_by_name()
    {
        using var scope = NewDisposeScope();
        var a = randn(2, 8).requires_grad_(true);
        var y = AddLayerNorm.Apply(a, a, nn.LayerNorm(8));
        var error = Assert.ThrowsAny<Exception>(() => (y * y).sum().backward(create_graph: true));
        Assert.Contains("create_graph", error.Message, StringComparison.Ordinal);
    }
}
