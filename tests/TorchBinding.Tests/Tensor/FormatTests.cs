using System.Text;
using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>ToString prints like PyTorch's str(tensor) (Parity/gen/format.py prints the same tensors).</summary>
public class FormatTests
{
    [Fact]
    public void ToString_matches_pytorch_str()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var cases = new Dictionary<string, Tensor>
        {
            ["f32_matrix"] = randn(3, 4),
            ["f32_integral"] = tensor(new float[] { 1, -2, 30 }),
            ["f64_scalar"] = tensor(2.5, ScalarType.Float64),
            ["f32_scalar"] = tensor(0.125),
            ["wide_range"] = tensor(new float[] { 1e-5f, 1f, 12345f }),
            ["i64"] = tensor(new long[] { 1, -20, 300 }),
            ["i32_matrix"] = tensor(new int[] { 1, 2, 3, 4 }, [2, 2]),
            ["bool"] = tensor(new[] { true, false }),
            ["cube"] = arange(0.0, 12.0, 1.0).reshape(2, 3, 2) / 7,
            ["long_vector"] = arange(0.0, 30.0, 1.0) / 3,
            ["summarized"] = arange(2000).reshape(40, 50),
            ["empty"] = zeros(0),
            ["f64_vec"] = tensor(new double[] { 0.5, -1.25 }),
            ["grad@rg"] = tensor(new float[] { 1.5f, 2f }),
        };
        var expected = PyTorchOracle.Run("format", cases);
        foreach (var (name, t) in cases)
        {
            if (name.EndsWith("@rg", StringComparison.Ordinal)) t.requires_grad = true;
            string want = Encoding.UTF8.GetString(expected[name].data<byte>());
            Assert.Equal(want, t.ToString());
        }
    }
}
