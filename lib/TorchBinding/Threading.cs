namespace TorchBinding;

/// <summary>
/// The thread configuration the binding applies when it loads, chosen by measurement
/// (<c>./lab bench threads</c>, numbers in environment.md).
/// </summary>
/// <remarks>
/// Debian's libblas.so.3 is the pthread build of OpenBLAS; libtorch has its own OpenMP pool. With
/// both pools at one thread per core they spin against each other: PyTorch's BiLSTM step
/// (32 x 100, hidden 128 x 2, forward + backward) takes ~240 ms instead of ~50 ms. Measured on the
/// 2-core machines here (<c>./lab bench threads</c>, table in environment.md), giving the cores to
/// OpenBLAS and running libtorch's own kernels on one thread is best for every case we care about:
/// the 1024² matmul (~8.8 ms vs 17 ms with one BLAS thread), the BiLSTM step and a BERT layer step.
/// So the default is BLAS = <see cref="Environment.ProcessorCount"/> threads, libtorch intra-op = 1.
/// <para>
/// Overrides, read when the binding loads: <c>CNER_TORCH_THREADS</c> (libtorch intra-op threads) and
/// <c>CNER_BLAS_THREADS</c> (OpenBLAS threads). At run time call <see cref="Configure"/>. The
/// environment variables must be set before the process starts: .NET's
/// <c>Environment.SetEnvironmentVariable</c> is not seen by native code on Linux, which is why the
/// choice is applied through <c>openblas_set_num_threads</c> and <c>at::set_num_threads</c>.
/// </para>
/// <para>
/// OpenBLAS's worker spin time, which it reads only from the environment at load, is set before load by
/// <see cref="Interop.BlasEnvironment"/> (<c>OPENBLAS_THREAD_TIMEOUT=4</c>; <see cref="Description"/> shows it).
/// </para>
/// </remarks>
public static class Threading
{
    private static int applied;

    /// <summary>libtorch intra-op threads in force (as configured by this class).</summary>
    public static int TorchThreads { get; private set; }

    /// <summary>OpenBLAS threads in force, or -1 when the BLAS is not OpenBLAS.</summary>
    public static int BlasThreads { get; private set; }

    /// <summary>"torch=1,blas=2,timeout=4": the thread counts in force and OpenBLAS's worker spin time (<see cref="torch.blas.thread_timeout"/>).</summary>
    public static string Description => $"torch={TorchThreads},blas={BlasThreads},timeout={torch.blas.thread_timeout()}";

    /// <summary>Where the configuration came from: "default", "environment" or "explicit".</summary>
    public static string Source { get; private set; } = "default";

    internal static void ApplyDefault()
    {
        if (Interlocked.Exchange(ref applied, 1) == 1) return;
        int torchThreads = 1;
        int blasThreads = Environment.ProcessorCount;
        string source = "default";
        if (int.TryParse(Environment.GetEnvironmentVariable("CNER_TORCH_THREADS"), out int t) && t > 0) { torchThreads = t; source = "environment"; }
        if (int.TryParse(Environment.GetEnvironmentVariable("CNER_BLAS_THREADS"), out int b) && b > 0) { blasThreads = b; source = "environment"; }
        Set(torchThreads, blasThreads);
        Source = source;
    }

    /// <summary>Sets libtorch's intra-op threads and OpenBLAS's threads.</summary>
    /// <param name="torchThreads">libtorch intra-op threads (≥ 1).</param>
    /// <param name="blasThreads">OpenBLAS threads (≥ 1); ignored when the BLAS is not OpenBLAS.</param>
    public static void Configure(int torchThreads, int blasThreads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(torchThreads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blasThreads, 1);
        Interlocked.Exchange(ref applied, 1);
        Set(torchThreads, blasThreads);
        Source = "explicit";
    }

    /// <summary>
    /// For training under CPU autocast (bfloat16), until disposed: the cores go to libtorch's pool and OpenBLAS gets one
    /// thread, then the configuration before comes back. bfloat16 products run in oneDNN on libtorch's pool, so the default
    /// (one libtorch thread) would leave a core idle; the float32 products left (few there) are the ones OpenBLAS would
    /// spin on. Measured with PyTorch on a BERT-small training step (2 cores, AVX512_BF16): 443 ms at torch=2,blas=1
    /// against 601 ms at torch=1,blas=2 (float32 at its best: 626 ms).
    /// </summary>
    public static IDisposable ForCpuAutocast()
    {
        int torchBefore = TorchThreads, blasBefore = BlasThreads;
        int cores = Math.Max(Math.Max(TorchThreads, BlasThreads), 1);
        Set(cores, 1);
        return new Restore(() => Set(torchBefore, Math.Max(blasBefore, 1)));
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        private Action? pending = restore;

        public void Dispose() => Interlocked.Exchange(ref pending, null)?.Invoke();
    }

    private static void Set(int torchThreads, int blasThreads)
    {
        torch.blas.set_num_threads(blasThreads);
        torch.set_num_threads(torchThreads);
        TorchThreads = torch.get_num_threads();
        BlasThreads = torch.blas.get_num_threads();
    }
}
