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
        /// <see cref="manual_seed"/>, a different stream from PyTorch's), the one-pass Adam/AdamW update, the vectorised
        /// exact GELU (forward and gradient, and with a linear layer's bias added in its pass: <see cref="Extensions.LinearGelu"/>),
        /// attention's per-head products read and written in the projections' own layout and self-attention as one operation
        /// per head (<see cref="Extensions.AttentionKernels"/>), and a residual sum with its layer norm in one pass
        /// (<see cref="Extensions.AddLayerNorm"/>).
        /// </summary>
        /// <param name="Lstm">Fused LSTM recurrence.</param>
        /// <param name="Gru">Fused GRU recurrence.</param>
        /// <param name="Dropout">Fast dropout.</param>
        /// <param name="Adam">One-pass Adam/AdamW step.</param>
        /// <param name="Gelu">Vectorised exact GELU.</param>
        /// <param name="Attention">Attention's per-head products without the head-layout copies, and self-attention as one operation per head.</param>
        /// <param name="LayerNorm">LayerNorm(a + b) of a residual connection in one pass per row (<see cref="Extensions.AddLayerNorm"/>).</param>
        public sealed record FusedKernels(bool Lstm = true, bool Gru = true, bool Dropout = true, bool Adam = true, bool Gelu = true, bool Attention = true,
            bool LayerNorm = true)
        {
            /// <summary>Every fused kernel on (the default).</summary>
            public static FusedKernels All { get; } = new();

            /// <summary>Every fused kernel off: libtorch's own operators throughout (to compare with PyTorch).</summary>
            public static FusedKernels None { get; } = new(false, false, false, false, false, false, false);
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

        /// <summary>The inner kernels of the packed small products the fused LSTM and GRU use for their per-step W_hh product.</summary>
        public enum PackedGemmPath
        {
            /// <summary>By CPU features: AVX-512 where the CPU has it, else AVX2/FMA, else off.</summary>
            Auto = 0,
            /// <summary>8 x 32 blocks in zmm registers.</summary>
            Avx512 = 1,
            /// <summary>6 x 16 blocks in ymm registers (the same floats as AVX-512: the same order of fused multiply-adds).</summary>
            Avx2 = 2,
            /// <summary>No packed products: libtorch's addmm through the BLAS.</summary>
            Off = 3,
        }

        /// <summary>
        /// The path packed products take, process-wide (read: the one in use, never <see cref="PackedGemmPath.Auto"/>).
        /// Setting one forces it for products packed from then on (tests run every path the CPU has; benchmarks compare
        /// them); <see cref="PackedGemmPath.Auto"/> goes back to the CPU's best.
        /// </summary>
        /// <exception cref="NotSupportedException">When this CPU lacks the forced instruction set.</exception>
        public static PackedGemmPath packed_gemm
        {
            get => (PackedGemmPath)Interop.NativeMethods.TS_packed_gemm_path();
            set
            {
                if (Interop.NativeMethods.TS_set_packed_gemm_path((int)value) == 0)
                    throw new NotSupportedException($"packed products on {value}: this CPU lacks it (it offers {string.Join(", ", packed_gemm_paths())})");
            }
        }

        /// <summary>The packed-product paths this CPU can run, best first, then <see cref="PackedGemmPath.Off"/>.</summary>
        public static IReadOnlyList<PackedGemmPath> packed_gemm_paths() =>
            [.. new[] { PackedGemmPath.Avx512, PackedGemmPath.Avx2 }.Where(p => Interop.NativeMethods.TS_packed_gemm_supports((int)p) == 1), PackedGemmPath.Off];

        /// <summary>
        /// Whether add, sub (alpha 1), mul and div of small float32 CPU tensors that need no gradient skip ATen's
        /// dispatcher and TensorIterator (the same floats, a fraction of the per-op cost: <c>lab bench overhead</c>).
        /// Process-wide, on by default; off sends every op to ATen (tests compare the two).
        /// </summary>
        public static bool small_pointwise
        {
            get => Interop.NativeMethods.TS_small_pointwise() != 0;
            set => Interop.NativeMethods.TS_set_small_pointwise(value ? 1 : 0);
        }

        /// <summary>
        /// Whether linear layers with at most 16 outputs (a tagger's emission layer) on float32 CPU inputs that need no
        /// gradient run the binding's skinny kernel instead of the BLAS (scores equal to float rounding, a fraction of
        /// the time at 11 outputs: <c>lab bench bilstm-crf</c>). It follows <see cref="packed_gemm"/>'s path (Off: ATen).
        /// Process-wide, on by default; off sends every product to ATen (tests compare the two).
        /// </summary>
        public static bool skinny_linear
        {
            get => Interop.NativeMethods.TS_skinny_linear() != 0;
            set => Interop.NativeMethods.TS_set_skinny_linear(value ? 1 : 0);
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
