namespace TorchBinding;

public static partial class torch
{
    /// <summary>Settings of the computation backends, as <c>torch.backends</c> holds PyTorch's.</summary>
    public static class backends
    {
        private static readonly AsyncLocal<FusedKernels?> Current = new();

        /// <summary>cuDNN, as <c>torch.backends.cudnn</c>.</summary>
        public static class cudnn
        {
            /// <summary>cuDNN's version number (e.g. 90100 for 9.1.0), or null without CUDA or cuDNN.</summary>
            public static long? version() => Interop.NativeMethods.TS_cudnn_version() is > 0 and var v ? v : null;
        }

        /// <summary>
        /// Which of the binding's own CPU float32 kernels run (each gives libtorch's results to float rounding, faster on
        /// this kind of machine): the fused LSTM and GRU recurrences (one product and one vectorised gate loop per step, their
        /// own backward), the fast dropout mask (a hashed counter keyed from libtorch's generator: reproducible under
        /// <see cref="manual_seed"/>, a different stream from PyTorch's) and the one-pass Adam/AdamW update.
        /// </summary>
        /// <param name="Lstm">Fused LSTM recurrence.</param>
        /// <param name="Gru">Fused GRU recurrence.</param>
        /// <param name="Dropout">Fast dropout.</param>
        /// <param name="Adam">One-pass Adam/AdamW step.</param>
        public sealed record FusedKernels(bool Lstm = true, bool Gru = true, bool Dropout = true, bool Adam = true)
        {
            /// <summary>Every fused kernel on (the default).</summary>
            public static FusedKernels All { get; } = new();

            /// <summary>Every fused kernel off: libtorch's own operators throughout (to compare with PyTorch).</summary>
            public static FusedKernels None { get; } = new(false, false, false, false);
        }

        /// <summary>The fused kernels in force for the calling code (all on unless a <see cref="use_fused"/> scope says otherwise).</summary>
        public static FusedKernels fused => Current.Value ?? FusedKernels.All;

        /// <summary>
        /// Runs with <paramref name="kernels"/> until the returned scope is disposed, for this code and the work it starts
        /// (awaits, tasks, threads); code on other flows keeps its own setting:
        /// <c>using (torch.backends.use_fused(FusedKernels.None)) { ... }</c>.
        /// </summary>
        public static IDisposable use_fused(FusedKernels kernels)
        {
            ArgumentNullException.ThrowIfNull(kernels);
            var scope = new Restore(Current.Value);
            Current.Value = kernels;
            return scope;
        }

        private sealed class Restore(FusedKernels? previous) : IDisposable
        {
            private bool done;

            public void Dispose()
            {
                if (done) return;
                done = true;
                Current.Value = previous;
            }
        }
    }
}
