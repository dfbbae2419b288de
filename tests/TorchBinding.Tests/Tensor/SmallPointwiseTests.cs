using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>
/// add, sub, mul and div of small float32 tensors take the binding's short path (backends.small_pointwise); it must give
/// ATen's floats to the bit, and leave to ATen every case it does not cover (gradients, broadcasting, views, other
/// dtypes, large tensors, alpha other than 1), which must then come out exactly as ATen's.
/// </summary>
[Collection(nameof(SmallPointwiseTests))]   // the switch is process-wide
public class SmallPointwiseTests : IDisposable
{
    public void Dispose()
    {
        backends.small_pointwise = true;
        GC.SuppressFinalize(this);
    }

    public static TheoryData<string> Ops => new("add", "sub", "mul", "div");

    private static Tensor Apply(string op, Tensor a, Tensor b) => op switch
    {
        "add" => a + b,
        "sub" => a - b,
        "mul" => a * b,
        "div" => a / b,
        _ => throw new ArgumentException(op, nameof(op)),
    };

    // The op with the short path on and off: (short path's result, ATen's result).
    private static (Tensor Short, Tensor Aten) Both(string op, Tensor a, Tensor b)
    {
        backends.small_pointwise = true;
        var fast = Apply(op, a, b);
        backends.small_pointwise = false;
        var aten = Apply(op, a, b);
        backends.small_pointwise = true;
        return (fast, aten);
    }

    private static void AssertSameBits(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(expected.dtype, actual.dtype);
        if (expected.dtype == ScalarType.Float32)
        {
            int[] e = expected.contiguous().data<float>().Select(BitConverter.SingleToInt32Bits).ToArray();
            int[] a = actual.contiguous().data<float>().Select(BitConverter.SingleToInt32Bits).ToArray();
            Assert.True(e.SequenceEqual(a), $"{what}: the short path's floats differ from ATen's");
        }
        else Assert.True(expected.equal(actual), $"{what}: differs from ATen's");
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Small_float_tensors_give_atens_floats_to_the_bit_including_nan_inf_and_zero(string op)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var special = tensor(new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-40f, 3.4e38f, -1f });
        foreach (long[] shape in new[] { new long[] { 4, 4 }, [], [1], [7, 13], [4096], [3, 0] })
        {
            var a = randn(shape);
            var b = randn(shape);
            var (fast, aten) = Both(op, a, b);
            AssertSameBits(aten, fast, $"{op} on [{string.Join(",", shape)}]");
        }
        var (s1, s2) = Both(op, special, special.flip(0));
        AssertSameBits(s2, s1, $"{op} on NaN, infinities, zeros, subnormals");
        var (same1, same2) = Both(op, special, special);   // both operands one tensor
        AssertSameBits(same2, same1, $"{op} of a tensor with itself");
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void The_result_is_a_new_tensor_that_records_no_graph(string op)
    {
        using var scope = NewDisposeScope();
        var a = randn(3, 5);
        var b = randn(3, 5).add(3);
        var before = a.clone();
        var result = Apply(op, a, b);
        Assert.NotEqual(a.data_ptr(), result.data_ptr());
        Assert.NotEqual(b.data_ptr(), result.data_ptr());
        result.fill_(7);
        Assert.True(a.equal(before));
        Assert.False(result.requires_grad);
        Assert.Null(result.grad_fn);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Operands_that_need_a_gradient_go_through_autograd_and_get_atens_gradients(string op)
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var x = randn(4, 4);
        var y = randn(4, 4).add(2);
        Tensor[] Gradients(bool shortPath)
        {
            backends.small_pointwise = shortPath;
            var a = x.clone().requires_grad_(true);
            var b = y.clone().requires_grad_(true);
            var r = Apply(op, a, b);
            Assert.NotNull(r.grad_fn);
            r.mul(r).sum().backward();
            return [r.detach(), a.grad!, b.grad!];
        }
        var fast = Gradients(true);
        var aten = Gradients(false);
        for (int i = 0; i < 3; i++) AssertSameBits(aten[i], fast[i], $"{op}: tensor {i} (result, gradients)");

        // Under no_grad the same operands need no graph: the result records none.
        using (no_grad())
        {
            var r = Apply(op, x.clone().requires_grad_(true), y);
            Assert.Null(r.grad_fn);
            Assert.False(r.requires_grad);
        }
    }

    public static TheoryData<string, string> Fallbacks
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string op in new[] { "add", "sub", "mul", "div" })
                foreach (string c in new[] { "broadcast", "transposed", "float64", "int64", "large", "mixed dtypes" })
                    data.Add(op, c);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Fallbacks))]
    public void Cases_the_short_path_does_not_cover_come_out_as_atens(string op, string kind)
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var (a, b) = kind switch
        {
            "broadcast" => (randn(4, 4), randn(1, 4)),
            "transposed" => (randn(4, 6).t(), randn(6, 4)),
            "float64" => (randn(4, 4).to(ScalarType.Float64), randn(4, 4).to(ScalarType.Float64)),
            "int64" => (randint(1, 9, [4, 4]), randint(1, 9, [4, 4])),
            "large" => (randn(4097), randn(4097)),
            "mixed dtypes" => (randn(4, 4), randn(4, 4).to(ScalarType.Float64)),
            _ => throw new ArgumentException(kind, nameof(kind)),
        };
        var (fast, aten) = Both(op, a, b);
        AssertSameBits(aten, fast, $"{op}, {kind}");
    }

    [Fact]
    public void Add_and_sub_with_alpha_other_than_one_are_atens_fused_products()
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        var a = randn(4, 4);
        var b = randn(4, 4);
        foreach (double alpha in new[] { 0.3, -2.0 })
        {
            backends.small_pointwise = true;
            var fast = (a.add(b, alpha), a.sub(b, alpha));
            backends.small_pointwise = false;
            var aten = (a.add(b, alpha), a.sub(b, alpha));
            AssertSameBits(aten.Item1, fast.Item1, $"add alpha {alpha}");
            AssertSameBits(aten.Item2, fast.Item2, $"sub alpha {alpha}");
        }
    }

    [Fact]
    public void The_switch_reads_back_what_was_set()
    {
        backends.small_pointwise = false;
        Assert.False(backends.small_pointwise);
        backends.small_pointwise = true;
        Assert.True(backends.small_pointwise);
    }
}
