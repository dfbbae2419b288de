using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>
/// CPU autocast (bfloat16): the region gives each op the dtype PyTorch's autocast gives it and the same values, it ends
/// where its scope ends (nested scopes restore the outer state), and the binding's own kernels behave inside it: dropout
/// keeps its fast mask in bfloat16, the fused LSTM runs a bfloat16 input in float32, the skinny linear kernel steps aside.
/// </summary>
public class CpuAutocastTests
{
    private static int Code(Tensor t) => t.dtype switch { ScalarType.Float32 => 0, ScalarType.BFloat16 => 1, _ => -1 };

    [Fact]
    public void Ops_in_a_region_take_pytorchs_dtypes_and_values()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var inputs = new Dictionary<string, Tensor> { ["x"] = randn(5, 8), ["w"] = randn(6, 8), ["b"] = randn(6), ["a"] = randn(7, 8) };
        var expected = PyTorchOracle.Run("autocast_cpu", inputs);
        Dictionary<string, Tensor> ours;
        using (autocast(DeviceType.CPU))
        {
            Assert.True(is_autocast_cpu_enabled());
            var lin = nn.functional.linear(inputs["x"], inputs["w"], inputs["b"]);
            var mm = inputs["x"].matmul(inputs["a"].t());
            var sm = nn.functional.softmax(mm, -1);
            var ln = nn.functional.layer_norm(lin, [lin.size(-1)]);
            ours = new() { ["linear"] = lin, ["matmul"] = mm, ["softmax"] = sm, ["layer_norm"] = ln };
        }
        Assert.False(is_autocast_cpu_enabled());
        foreach (var (name, t) in ours.ToList()) ours["dtype." + name] = tensor(new long[] { Code(t) });
        Assert.Equal(1, ours["dtype.linear"].item<long>());   // the products did run in bfloat16
        // Same oneDNN kernels on both sides; the tolerance is bfloat16's rounding, the dtype codes must match exactly.
        PyTorchOracle.AssertAllClose(expected, ours.ToDictionary(kv => kv.Key, kv => kv.Value.to_type(ScalarType.Float32)), rtol: 1e-2, atol: 1e-2);
    }

    [Fact]
    public void A_region_ends_with_its_scope_and_nested_regions_restore_the_outer_one()
    {
        using var scope = NewDisposeScope();
        var x = randn(3, 4);
        var w = randn(2, 4);
        Assert.Equal(ScalarType.Float32, nn.functional.linear(x, w).dtype);
        using (autocast(DeviceType.CPU))
        {
            using (autocast(DeviceType.CPU)) Assert.Equal(ScalarType.BFloat16, nn.functional.linear(x, w).dtype);
            Assert.True(is_autocast_cpu_enabled());
            Assert.Equal(ScalarType.BFloat16, nn.functional.linear(x, w).dtype);
        }
        Assert.False(is_autocast_cpu_enabled());
        Assert.False(is_autocast_enabled());
        Assert.Equal(ScalarType.Float32, nn.functional.linear(x, w).dtype);
    }

    [Fact]
    public void Dtypes_the_cpu_autocast_lacks_are_refused_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => autocast(DeviceType.CPU, ScalarType.Float16));
        Assert.Contains("BFloat16 only", error.Message);
        Assert.Throws<ArgumentException>(() => autocast(DeviceType.Meta));
        Assert.False(is_autocast_cpu_enabled());
    }

    [Fact]
    public void Bfloat16_dropout_keeps_the_float32_mask_of_the_same_seed_and_its_gradient()
    {
        using var scope = NewDisposeScope();
        var x = randn(64, 33);
        manual_seed(5);
        var kept32 = nn.functional.dropout(x, 0.3).ne(0);
        var input = x.to_type(ScalarType.BFloat16).detach().requires_grad_(true);
        manual_seed(5);
        var y = nn.functional.dropout(input, 0.3);
        Assert.Equal(ScalarType.BFloat16, y.dtype);
        Assert.Contains("FastDropout", y.grad_fn, StringComparison.Ordinal);   // the fast kernel, not libtorch's Bernoulli
        Assert.True(y.ne(0).equal(kept32), "the bfloat16 mask differs from the float32 one of the same seed");
        var scaled = (input.detach().to_type(ScalarType.Float32) / 0.7).to_type(ScalarType.BFloat16);
        Assert.True(y.detach().equal(where(kept32, scaled, zeros_like(scaled))), "kept values are not x / (1 - p) rounded to bfloat16");
        y.sum().backward();
        var expectedGrad = where(kept32, full_like(scaled, 1 / 0.7), zeros_like(scaled));
        Assert.True(input.grad!.equal(expectedGrad), "the gradient is not the mask times 1 / (1 - p)");
    }

    [Fact]
    public void The_fused_lstm_runs_a_bfloat16_input_in_float32_inside_a_region()
    {
        using var scope = NewDisposeScope();
        manual_seed(9);
        using var lstm = nn.LSTM(8, 16, batch_first: true, bidirectional: true);
        var x = randn(3, 5, 8).to_type(ScalarType.BFloat16);
        var (expected, _, _) = lstm.forward(x.to_type(ScalarType.Float32));
        Tensor output;
        using (autocast(DeviceType.CPU)) (output, _, _) = lstm.forward(x);
        Assert.Equal(ScalarType.Float32, output.dtype);
        Assert.True(output.equal(expected), "the bfloat16 input did not take the float32 fused path");
    }

    [Fact]
    public void The_skinny_linear_kernel_steps_aside_in_a_region()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = randn(40, 32);
        var w = randn(11, 32);   // ≤ 16 outputs, no autograd: the skinny kernel's shape
        Assert.Equal(ScalarType.Float32, nn.functional.linear(x, w).dtype);
        using (autocast(DeviceType.CPU)) Assert.Equal(ScalarType.BFloat16, nn.functional.linear(x, w).dtype);
    }
}
