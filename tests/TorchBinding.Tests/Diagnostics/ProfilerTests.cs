using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>The operator profiler: what it counts, self against inclusive time, shapes, and its misuse.</summary>
public class ProfilerTests
{
    [Fact]
    public void It_counts_the_operators_run_and_self_time_never_exceeds_inclusive_time()
    {
        using var scope = NewDisposeScope();
        var a = randn(64, 32);
        var b = randn(32, 16);
        Profile p;
        using (p = autograd.profiler.profile())
        {
            for (int k = 0; k < 3; k++) a.mm(b).relu();
        }
        var ops = p.key_averages();
        var mm = ops.Single(o => o.Name == "aten::mm");
        Assert.Equal(3, mm.Calls);
        Assert.Equal(3, ops.Single(o => o.Name == "aten::relu").Calls);
        Assert.All(ops, o => Assert.True(o.SelfUs <= o.TotalUs + 1e-6 && o.SelfUs >= -1e-6, $"{o.Name}: self {o.SelfUs} total {o.TotalUs}"));
        Assert.Equal(ops.OrderByDescending(o => o.SelfUs).Select(o => o.Name), ops.Select(o => o.Name));   // largest self time first
        Assert.Equal(ops.Sum(o => o.SelfUs), p.self_cpu_time_total, 6);
        Assert.Contains("aten::mm", p.table(), StringComparison.Ordinal);
    }

    [Fact]
    public void With_shapes_the_same_operator_on_two_shapes_is_two_rows_and_backward_nodes_appear()
    {
        using var scope = NewDisposeScope();
        var w = randn(32, 16).requires_grad_(true);
        Profile p;
        using (p = autograd.profiler.profile(record_shapes: true))
        {
            randn(8, 32).mm(w).sum().backward();
            randn(4, 32).mm(w).sum().backward();
        }
        var names = p.key_averages().Select(o => o.Name).ToList();
        Assert.Contains("aten::mm [8, 32] [32, 16]", names);
        Assert.Contains("aten::mm [4, 32] [32, 16]", names);
        Assert.Contains(names, n => n.StartsWith("MmBackward", StringComparison.Ordinal));
    }

    [Fact]
    public void Reading_a_running_profile_or_starting_a_second_one_is_refused()
    {
        using var p = autograd.profiler.profile();
        Assert.Throws<InvalidOperationException>(() => p.key_averages());
        Assert.Throws<InvalidOperationException>(() => autograd.profiler.profile());
        p.Dispose();
        Assert.NotNull(p.key_averages());
        p.Dispose();   // a second dispose is harmless
    }
}
