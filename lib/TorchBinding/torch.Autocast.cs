using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

public static partial class torch
{
    /// <summary>
    /// Mixed precision until disposed, as <c>with torch.autocast("cuda", dtype=torch.bfloat16):</c> (or <c>"cpu"</c>) —
    /// operations that gain from lower precision (matrix products, linear layers) run in <paramref name="dtype"/>, the
    /// others as libtorch's autocast policy for that device says. Wrap the forward pass and the loss, not the backward pass.
    /// On the CPU only bfloat16 is offered (libtorch's CPU autocast has no float16), and it pays only where the CPU has
    /// bfloat16 instructions (<see cref="cpu_has_bf16"/>); elsewhere oneDNN emulates them, slower than float32.
    /// Inside a CPU region the binding's own kernels keep float32 where they apply (the fused LSTM and GRU take a bfloat16
    /// input in float32; the skinny linear kernel steps aside), and dropout keeps its fast mask in bfloat16.
    /// </summary>
    /// <exception cref="ArgumentException">For a device type other than CUDA and CPU, or a dtype the device's autocast lacks.</exception>
    public static IDisposable autocast(DeviceType device_type, ScalarType dtype = ScalarType.BFloat16)
    {
        switch (device_type)
        {
            case DeviceType.CUDA when dtype is ScalarType.BFloat16 or ScalarType.Float16:
                return new AutocastScope(cuda: true, dtype);
            case DeviceType.CUDA:
                throw new ArgumentException($"autocast to {dtype}: expected BFloat16 or Float16", nameof(dtype));
            case DeviceType.CPU when dtype == ScalarType.BFloat16:
                return new AutocastScope(cuda: false, dtype);
            case DeviceType.CPU:
                throw new ArgumentException($"autocast on the CPU to {dtype}: libtorch's CPU autocast offers BFloat16 only", nameof(dtype));
            default:
                throw new ArgumentException($"autocast on {device_type}: only CUDA and CPU autocast are offered", nameof(device_type));
        }
    }

    /// <summary>Whether the calling thread is inside a CUDA autocast region (as <c>torch.is_autocast_enabled()</c>).</summary>
    public static bool is_autocast_enabled() => TS_autocast_is_enabled(1) != 0;

    /// <summary>Whether the calling thread is inside a CPU autocast region (as <c>torch.is_autocast_cpu_enabled()</c>).</summary>
    public static bool is_autocast_cpu_enabled() => TS_autocast_is_enabled(0) != 0;

    /// <summary>
    /// Whether this CPU has bfloat16 dot-product instructions (AVX512_BF16 or AMX-BF16), which oneDNN uses for bfloat16
    /// matrix products: only then does CPU autocast make training faster.
    /// </summary>
    public static bool cpu_has_bf16() => BlasCoreTypes.ThisCpu().Flags is var flags && (flags.Contains("avx512_bf16") || flags.Contains("amx_bf16"));

    private sealed class AutocastScope : IDisposable
    {
        private readonly int cuda, previousEnabled, previousDtype;
        private bool disposed;

        public AutocastScope(bool cuda, ScalarType dtype)
        {
            this.cuda = cuda ? 1 : 0;
            NativeError.Check(TS_autocast_enter(this.cuda, (int)dtype, out previousEnabled, out previousDtype));
        }

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            NativeError.Check(TS_autocast_exit(cuda, previousEnabled, previousDtype));
        }
    }
}
