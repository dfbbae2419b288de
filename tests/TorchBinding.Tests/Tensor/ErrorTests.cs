using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>libtorch's errors arrive as managed exceptions with libtorch's message; the process lives on.</summary>
public class ErrorTests
{
    [Fact]
    public void Bad_shape_raises_with_libtorch_message()
    {
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<TorchException>(() => randn(2, 3).matmul(randn(4, 5)));
        Assert.Contains("cannot be multiplied", ex.Message);
        Assert.DoesNotContain("Exception raised from", ex.Message); // no C++ backtrace
        var view = Assert.Throws<TorchException>(() => randn(2, 3).view(4, 2));
        Assert.Contains("invalid for input of size 6", view.Message);
    }

    [Fact]
    public void Wrong_dtype_raises_with_libtorch_message()
    {
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<TorchException>(() => randn(3, 4).index_select(0, tensor(new float[] { 0f })));
        Assert.Contains("Expected dtype int32 or int64", ex.Message);
        var ce = Assert.Throws<TorchException>(() => nn.functional.cross_entropy(randn(2, 3), tensor(new float[] { 0, 1 })));
        Assert.False(string.IsNullOrWhiteSpace(ce.Message));
    }

    [Fact]
    public void Out_of_range_index_raises_and_process_continues()
    {
        using var scope = NewDisposeScope();
        var t = randn(3, 4);
        var ex = Assert.Throws<TorchException>(() => t.index_select(0, tensor(new long[] { 5 })));
        Assert.Contains("out of range", ex.Message);
        Assert.Throws<TorchException>(() => t[7]);
        Assert.Throws<TorchException>(() => nn.functional.embedding(tensor(new long[] { 12 }), randn(10, 2)));
        // Still alive and computing.
        Assert.Equal(12, (t + 1).numel());
    }

    [Fact]
    public void Errors_are_per_thread_and_do_not_leak_into_later_calls()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<TorchException>(() => randn(2).view(3));
        var ok = randn(2).view(2, 1);
        Assert.Equal(new long[] { 2, 1 }, ok.shape);
        Exception? fromOtherThread = null;
        var thread = new Thread(() =>
        {
            try { using var s = NewDisposeScope(); randn(1).view(5); }
            catch (TorchException e) { fromOtherThread = e; }
        });
        thread.Start();
        thread.Join();
        Assert.IsType<TorchException>(fromOtherThread);
    }

    [Fact]
    public void Disposed_tensor_use_is_a_managed_error()
    {
        var t = randn(2);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => t.sum());
        Assert.Equal("tensor(<disposed>)", t.ToString());
    }
}
