using System.Runtime.InteropServices;
using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

/// <summary>
/// The <c>torch</c> namespace of the binding, shaped like TorchSharp's (<c>using static TorchBinding.torch;</c>).
/// </summary>
public static partial class torch
{
    static torch() => Threading.ApplyDefault();

    /// <summary>The libtorch version the shim was built against, e.g. "1.13.0".</summary>
    public static string __version__ => Marshal.PtrToStringUTF8(TS_version()) ?? "unknown";

    /// <summary>libtorch's build configuration, as <c>torch.__config__.show()</c>.</summary>
    public static class __config__
    {
        /// <summary>The configuration text (compiler, CPU capability, BLAS, CUDA runtime and cuDNN of a CUDA build).</summary>
        public static string show() => Marshal.PtrToStringUTF8(TS_show_config()) ?? "";
    }

    /// <summary>Seeds every libtorch generator (CPU and CUDA).</summary>
    public static void manual_seed(long seed) => NativeError.Check(TS_manual_seed(seed));

    /// <summary>The state of the default CPU generator (a uint8 tensor), as torch.get_rng_state().</summary>
    public static Tensor get_rng_state() => new(TS_get_rng_state());

    /// <summary>Restores a state from <see cref="get_rng_state"/>, as torch.set_rng_state().</summary>
    public static void set_rng_state(Tensor state)
    {
        ArgumentNullException.ThrowIfNull(state);
        NativeError.Check(TS_set_rng_state(state.Handle));
    }

    /// <summary>Sets libtorch's intra-op thread count.</summary>
    public static void set_num_threads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        NativeError.Check(TS_set_num_threads(threads));
    }

    /// <summary>libtorch's intra-op thread count.</summary>
    public static int get_num_threads() => TS_get_num_threads();

    /// <summary>libtorch's inter-op thread count.</summary>
    public static int get_num_interop_threads() => TS_get_num_interop_threads();

    /// <summary>libtorch's description of its parallel backends and thread settings (at::get_parallel_info).</summary>
    public static string parallel_info() => Marshal.PtrToStringUTF8(TS_parallel_info()) ?? "";

    /// <summary>Whether libtorch was built with oneDNN (MKL-DNN) kernels.</summary>
    public static bool has_mkldnn() => TS_has_mkldnn() != 0;

    /// <summary>Whether autograd records operations on this thread.</summary>
    public static bool is_grad_enabled() => TS_Autograd_is_grad_enabled() != 0;

    /// <summary>Turns gradient recording on or off for this thread.</summary>
    public static void set_grad_enabled(bool enabled) => TS_Autograd_set_grad_enabled(enabled ? 1 : 0);

    /// <summary>Disables gradient recording until disposed: <c>using (torch.no_grad()) { ... }</c>.</summary>
    public static IDisposable no_grad() => new GradModeGuard(false);

    /// <summary>Enables gradient recording until disposed.</summary>
    public static IDisposable enable_grad() => new GradModeGuard(true);

    private sealed class GradModeGuard : IDisposable
    {
        private readonly bool previous;
        private bool disposed;

        public GradModeGuard(bool enabled)
        {
            previous = is_grad_enabled();
            set_grad_enabled(enabled);
        }

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            set_grad_enabled(previous);
        }
    }

    /// <summary>CUDA queries, as <c>torch.cuda</c>.</summary>
    public static class cuda
    {
        /// <summary>Whether the libtorch we were built against has CUDA and a GPU is visible.</summary>
        public static bool is_available() => TS_cuda_is_available() != 0;

        /// <summary>Number of visible GPUs (0 for a CPU-only libtorch).</summary>
        public static int device_count() => TS_cuda_device_count();

        /// <summary>Waits for all kernels on a device to finish (for timing).</summary>
        public static void synchronize(int device = 0) => NativeError.Check(TS_cuda_synchronize(device));

        /// <summary>
        /// The CUDA runtime this libtorch was built with (e.g. "12.8"), read from its build configuration; null for a
        /// CPU-only build. (PyTorch's <c>torch.version.cuda</c>.)
        /// </summary>
        public static string? version()
        {
            var match = System.Text.RegularExpressions.Regex.Match(__config__.show(), @"CUDA Runtime (\d[\w.]*)");
            return match.Success ? match.Groups[1].Value : null;
        }
    }

    /// <summary>The BLAS library libtorch's matrix products go through.</summary>
    public static class blas
    {
        /// <summary>OpenBLAS's configuration string, or the path of the loaded BLAS when it is not OpenBLAS.</summary>
        public static string config() => Marshal.PtrToStringUTF8(TS_blas_config()) ?? "unknown";

        /// <summary>
        /// The kernel family OpenBLAS runs (e.g. "Haswell", "Cooperlake"), or "" when the BLAS is not OpenBLAS; where it came
        /// from is <see cref="BlasCoreTypes.Source"/>.
        /// </summary>
        public static string corename() => Marshal.PtrToStringUTF8(TS_blas_corename()) ?? "";

        /// <summary>Path of the shared library providing <c>sgemm_</c>.</summary>
        public static string library_path() => Marshal.PtrToStringUTF8(TS_blas_library_path()) ?? "";

        /// <summary>OpenBLAS's thread count, or -1 when the BLAS is not OpenBLAS.</summary>
        public static int get_num_threads() => TS_blas_get_num_threads();

        /// <summary>
        /// How long idle OpenBLAS workers spin before sleeping, as OpenBLAS read it from <c>OPENBLAS_THREAD_TIMEOUT</c>
        /// at load (2^value cycles; 0 means its default, 2^28); -1 when the BLAS is not OpenBLAS. The binding sets 4
        /// unless the user did (see <see cref="Interop.BlasEnvironment"/>).
        /// </summary>
        public static int thread_timeout() => TS_blas_thread_timeout();

        /// <summary>The <c>OPENBLAS_THREAD_TIMEOUT</c> the binding sets when the user has not (why: <see cref="Interop.BlasEnvironment"/>).</summary>
        public const string DefaultThreadTimeout = "4";

        /// <summary>Sets OpenBLAS's thread count; returns false when the BLAS is not OpenBLAS.</summary>
        public static bool set_num_threads(int threads) => TS_blas_set_num_threads(threads) == 0;
    }
}
