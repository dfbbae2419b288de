using static TorchBinding.torch;

namespace TorchBinding.Tests;

public class BackendsTests
{
    [Fact]
    public void Cuda_autocast_regions_nest_and_restore_and_leave_cpu_work_in_float32()
    {
        Assert.False(is_autocast_enabled());
        using var scope = NewDisposeScope();
        using (autocast(DeviceType.CUDA))
        {
            Assert.True(is_autocast_enabled());
            using (autocast(DeviceType.CUDA, ScalarType.Float16)) Assert.True(is_autocast_enabled());
            Assert.True(is_autocast_enabled());
            Assert.Equal(ScalarType.Float32, ones(2, 3).matmul(ones(3, 2)).dtype);   // only CUDA ops are cast
            Assert.False(is_autocast_cpu_enabled());                                     // the CPU's region is a separate one
        }
        Assert.False(is_autocast_enabled());
        Assert.Contains("only CUDA and CPU", Assert.Throws<ArgumentException>(() => autocast(DeviceType.Meta)).Message);
        Assert.Throws<ArgumentException>(() => autocast(DeviceType.CUDA, ScalarType.Float64));
        if (cuda.is_available())
            using (autocast(DeviceType.CUDA))
                Assert.Equal(ScalarType.BFloat16, ones(2, 3).cuda().matmul(ones(3, 2).cuda()).dtype);
    }

    [Fact]
    public void The_build_configuration_names_cuda_and_cudnn_exactly_when_the_build_has_them()
    {
        string config = __config__.show();
        Assert.Contains("PyTorch built with", config);
        if (cuda.is_available())
        {
            Assert.Matches(@"^\d+\.\d+", cuda.version());
            Assert.True(backends.cudnn.version() is null or > 0);
        }
        else
        {
            // A CPU-only libtorch (Debian's) has neither; on a CUDA build without a GPU the runtime version may still show.
            if (!config.Contains("CUDA Runtime", StringComparison.Ordinal)) Assert.Null(cuda.version());
            Assert.Null(backends.cudnn.version());
        }
    }

    [Fact]
    public void Fused_kernel_scopes_nest_restore_and_stay_on_their_own_flow()
    {
        Assert.Equal(backends.FusedKernels.All, backends.fused);
        using (backends.use_fused(backends.FusedKernels.None))
        {
            Assert.False(backends.fused.Lstm);
            using (backends.use_fused(backends.fused with { Adam = true }))
            {
                Assert.True(backends.fused.Adam);
                Assert.False(backends.fused.Gru);
                bool otherThread = false;
                var thread = new Thread(() => otherThread = backends.fused.Gru);
                thread.Start();
                thread.Join();
                Assert.False(otherThread);   // work started inside the scope sees its setting
            }
            Assert.False(backends.fused.Adam);
        }
        Assert.Equal(backends.FusedKernels.All, backends.fused);
        bool elsewhere = false;
        var outside = new Thread(() => elsewhere = backends.fused.Lstm);
        using (ExecutionContext.SuppressFlow())
        using (backends.use_fused(backends.FusedKernels.None)) outside.Start();
        outside.Join();
        Assert.True(elsewhere);   // code that does not flow from the scope keeps the default
    }

    [Fact]
    public void The_libtorch_path_and_the_fused_kernel_give_the_same_lstm_output()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var lstm = nn.LSTM(6, 5, batch_first: true, bidirectional: true);
        var x = randn(3, 7, 6);
        long[] lengths = [7, 4, 1];
        var fused = lstm.call(x, lengths: lengths).output;
        Tensor plain;
        using (backends.use_fused(backends.fused with { Lstm = false })) plain = lstm.call(x, lengths: lengths).output;
        Assert.True(fused.allclose(plain, 1e-4, 1e-5));
    }
}
