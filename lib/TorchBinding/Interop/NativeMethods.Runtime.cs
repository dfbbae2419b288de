using System.Runtime.InteropServices;

namespace TorchBinding.Interop;

internal static partial class NativeMethods
{
    internal const string Lib = "ts_native";

    // Runs before the first call into the shim, i.e. before libtorch and OpenBLAS load.
    static NativeMethods() => BlasEnvironment.Prepare();

    [LibraryImport(Lib)] internal static partial IntPtr TS_last_error();
    [LibraryImport(Lib)] internal static partial void TS_free_error(IntPtr message);

    [LibraryImport(Lib)] internal static partial IntPtr TS_version();
    [LibraryImport(Lib)] internal static partial IntPtr TS_show_config();
    [LibraryImport(Lib)] internal static partial int TS_packed_gemm_path();
    [LibraryImport(Lib)] internal static partial void TS_set_small_pointwise(int on);
    [LibraryImport(Lib)] internal static partial int TS_small_pointwise();
    [LibraryImport(Lib)] internal static partial void TS_set_skinny_linear(int on);
    [LibraryImport(Lib)] internal static partial int TS_skinny_linear();
    [LibraryImport(Lib)] internal static partial int TS_set_packed_gemm_path(int path);
    [LibraryImport(Lib)] internal static partial int TS_packed_gemm_supports(int path);
    [LibraryImport(Lib)] internal static partial int TS_autocast_enter(int cuda, int dtype, out int previousEnabled, out int previousDtype);
    [LibraryImport(Lib)] internal static partial int TS_autocast_exit(int cuda, int previousEnabled, int previousDtype);
    [LibraryImport(Lib)] internal static partial int TS_autocast_is_enabled(int cuda);
    [LibraryImport(Lib)] internal static partial long TS_cudnn_version();
    [LibraryImport(Lib)] internal static partial int TS_manual_seed(long seed);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_get_rng_state();
    [LibraryImport(Lib)] internal static partial int TS_set_rng_state(TensorHandle state);
    [LibraryImport(Lib)] internal static partial int TS_set_num_threads(int n);
    [LibraryImport(Lib)] internal static partial int TS_get_num_threads();
    [LibraryImport(Lib)] internal static partial int TS_set_num_interop_threads(int n);
    [LibraryImport(Lib)] internal static partial int TS_get_num_interop_threads();
    [LibraryImport(Lib)] internal static partial int TS_blas_set_num_threads(int n);
    [LibraryImport(Lib)] internal static partial int TS_blas_get_num_threads();
    [LibraryImport(Lib)] internal static partial int TS_blas_thread_timeout();
    [LibraryImport(Lib)] internal static partial IntPtr TS_blas_config();
    [LibraryImport(Lib)] internal static partial IntPtr TS_blas_library_path();
    [LibraryImport(Lib)] internal static partial IntPtr TS_blas_corename();
    [LibraryImport(Lib)] internal static partial int TS_cuda_is_available();
    [LibraryImport(Lib)] internal static partial int TS_cuda_device_count();
    [LibraryImport(Lib)] internal static partial int TS_cuda_synchronize(int device);
    [LibraryImport(Lib)] internal static partial int TS_has_mkldnn();
    [LibraryImport(Lib)] internal static partial IntPtr TS_parallel_info();

    [LibraryImport(Lib)] internal static partial int TS_Autograd_is_grad_enabled();
    [LibraryImport(Lib)] internal static partial void TS_Autograd_set_grad_enabled(int enabled);
    [LibraryImport(Lib)] internal static partial int TS_Autograd_clip_grad_norm_(IntPtr[] parameters, int n, double maxNorm, double normType, out double totalNorm);

    [LibraryImport(Lib)] internal static partial int TS_Optim_adam_fusable(TensorHandle param, TensorHandle grad, TensorHandle expAvg, TensorHandle expAvgSq);
    [LibraryImport(Lib)] internal static partial int TS_Optim_adam_step(IntPtr[] parameters, IntPtr[] grads, IntPtr[] expAvgs, IntPtr[] expAvgSqs, int n,
        double lr, double beta1, double beta2, double eps, double weightDecay, int decoupled, double biasCorrection1, double biasCorrection2);
}
