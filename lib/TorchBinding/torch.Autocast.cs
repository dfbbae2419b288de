using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

public static partial class torch
{
    /// <summary>
    /// Mixed precision until disposed, as <c>with torch.autocast("cuda", dtype=torch.bfloat16):</c> — CUDA operations that
    /// gain from lower precision (matrix products, linear layers) run in <paramref name="dtype"/>, the others stay float32.
    /// Wrap the forward pass and the loss, not the backward pass. CUDA only: libtorch's CPU autocast is not offered.
    /// </summary>
    /// <exception cref="ArgumentException">For a device type other than CUDA, or a dtype other than bfloat16 and float16.</exception>
    public static IDisposable autocast(DeviceType device_type, ScalarType dtype = ScalarType.BFloat16)
    {
        if (device_type != DeviceType.CUDA)
            throw new ArgumentException($"autocast on {device_type}: only CUDA autocast is offered (train on the CPU in float32)", nameof(device_type));
        if (dtype is not (ScalarType.BFloat16 or ScalarType.Float16))
            throw new ArgumentException($"autocast to {dtype}: expected BFloat16 or Float16", nameof(dtype));
        return new AutocastScope(dtype);
    }

    /// <summary>Whether the calling thread is inside a CUDA autocast region.</summary>
    public static bool is_autocast_enabled() => TS_autocast_cuda_is_enabled() != 0;

    private sealed class AutocastScope : IDisposable
    {
        private readonly int previousEnabled, previousDtype;
        private bool disposed;

        public AutocastScope(ScalarType dtype) => NativeError.Check(TS_autocast_cuda_enter((int)dtype, out previousEnabled, out previousDtype));

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            NativeError.Check(TS_autocast_cuda_exit(previousEnabled, previousDtype));
        }
    }
}
