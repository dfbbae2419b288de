using System.Runtime.InteropServices;

namespace TorchBinding.Interop;

/// <summary>
/// OpenBLAS settings that it reads only from the environment, once, when the library loads; set here in
/// the process environment (libc <c>setenv</c>: .NET's own environment is not seen by native code) before
/// the shim, and with it libtorch and OpenBLAS, is first loaded. A value the user set is kept.
/// </summary>
/// <remarks>
/// <c>OPENBLAS_THREAD_TIMEOUT=4</c> (<see cref="torch.blas.DefaultThreadTimeout"/>): after a multi-threaded product, OpenBLAS's worker threads spin
/// (sched_yield) for 2^timeout cycles before they sleep; the default, 2^28 cycles, is ~0.1 s. On 2 cores
/// a spinning worker takes a core away from whatever runs next: the fused BiLSTM's two directions (one
/// per core) ran 2.2x slower after the projection's 2-thread product (decoding 32 x 100: 20.3 ms per
/// batch, 8.9 ms with the timeout at 4; training: 53k → 77k chars/s). The price: libtorch's own LSTM/GRU,
/// chains of small products, run ~30% slower (they benefited from warm workers); they now serve only initial
/// states and non-CPU tensors, the fused kernels the rest. The 1024² matmul and BERT are unchanged within
/// noise. Measured with <c>./lab bench bilstm-crf</c>, <c>./lab bench ops</c> and <c>./lab bench bert</c>;
/// numbers in environment.md.
/// <para><c>OPENBLAS_CORETYPE</c>: the kernel family measured fastest on this CPU model, when one was (<see cref="BlasCoreTypes"/>).</para>
/// </remarks>
internal static partial class BlasEnvironment
{
    /// <summary>Sets the OpenBLAS environment unless the user has (a no-op off Linux).</summary>
    public static void Prepare()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            _ = setenv("OPENBLAS_THREAD_TIMEOUT", torch.blas.DefaultThreadTimeout, overwrite: 0);
            if (BlasCoreTypes.ChoiceAtLoad() is { } coreType) _ = setenv("OPENBLAS_CORETYPE", coreType, overwrite: 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: OpenBLAS keeps its default; only speed is affected.
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
