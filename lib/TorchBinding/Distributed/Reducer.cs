using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

public static partial class torch
{
    public static partial class distributed
    {
        /// <summary>
        /// The gradients of a model's trained parameters averaged over a group while the backward pass runs, as c10d's
        /// <c>Reducer</c> does it for PyTorch's DistributedDataParallel: the parameters are cut into buckets in the order
        /// their gradients arrive (reverse order; the first bucket small so that communication starts early), a hook on each
        /// parameter copies its gradient into its bucket, and a full bucket is all-reduced by gloo's threads while the rest
        /// of the backward pass goes on. Buckets are launched in the same order on every rank.
        /// </summary>
        /// <remarks>
        /// Each step: <see cref="prepare_for_backward"/> before the backward pass that ends the step, then
        /// <see cref="finalize_backward"/> after it, which reduces what no hook saw (a parameter this rank did not use, or
        /// every gradient when <c>overlap</c> was false), waits, and leaves Σ_r w_r g_r in each parameter's gradient, w_r
        /// being each rank's weight (its share of the global batch). A gradient the parameter already held from an earlier
        /// backward pass of the same step is included; a step of several backward passes prepares with overlap off, since
        /// with it the hooks take each gradient once (a second pass is an error on every rank).
        /// </remarks>
        public sealed class Reducer : IDisposable
        {
            /// <summary>PyTorch DDP's default bucket: 25 MiB of gradients per all-reduce.</summary>
            public const long DefaultBucketBytes = 25L * 1024 * 1024;

            /// <summary>PyTorch DDP's first bucket: 1 MiB, so the first all-reduce starts early in the backward pass.</summary>
            public const long DefaultFirstBucketBytes = 1L * 1024 * 1024;

            private readonly ProcessGroup group;
            private IntPtr handle;

            /// <summary>Hooks on the parameters of <paramref name="parameters"/> that train, bucketed for <paramref name="group"/>.</summary>
            public Reducer(IReadOnlyList<nn.Parameter> parameters, ProcessGroup group, long bucket_bytes_cap = DefaultBucketBytes,
                long first_bucket_bytes_cap = DefaultFirstBucketBytes)
            {
                ArgumentNullException.ThrowIfNull(parameters);
                this.group = group ?? throw new ArgumentNullException(nameof(group));
                if (bucket_bytes_cap < 1 || first_bucket_bytes_cap < 1) throw new ArgumentOutOfRangeException(nameof(bucket_bytes_cap), "bucket caps are positive byte counts");
                handle = TS_Reducer_new(group.Handle, Pointers(parameters), parameters.Count, first_bucket_bytes_cap, bucket_bytes_cap);
                GC.KeepAlive(parameters);
                if (handle == IntPtr.Zero) NativeError.Throw();
            }

            private IntPtr Handle => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(Reducer));

            /// <summary>The number of buckets (one all-reduce each per step).</summary>
            public int bucket_count => TS_Reducer_bucket_count(Handle);

            /// <summary>
            /// Starts a step: this rank's gradients count <paramref name="weight"/> times. With <paramref name="overlap"/>
            /// the backward pass from <paramref name="outputs"/> (the loss; null when this rank has none this step) reduces
            /// each bucket as soon as it is full, and a trained parameter it will not reach is ready at once (DDP's
            /// find_unused_parameters); without it every bucket waits for <see cref="finalize_backward"/>.
            /// </summary>
            public void prepare_for_backward(Tensor? outputs, double weight = 1.0, bool overlap = true)
            {
                if (!double.IsFinite(weight)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "a rank's weight is a finite number");
                Tensor[] roots = outputs is null ? [] : [outputs];
                NativeError.Check(TS_Reducer_prepare(Handle, weight, overlap ? 1 : 0, Pointers(roots), roots.Length));
                GC.KeepAlive(roots);
            }

            /// <summary>The buckets of the last step whose all-reduce started during the backward pass (the overlap's reach).</summary>
            public int overlapped_buckets => TS_Reducer_overlapped_buckets(Handle);

            /// <summary>Reduces what is left, waits for every bucket and writes the averaged gradients.</summary>
            /// <exception cref="DistributedException">Another rank exited or stopped answering.</exception>
            public void finalize_backward() => group.Check(TS_Reducer_finalize(Handle, 0), "the gradient all-reduce");

            /// <summary>Removes the hooks and frees the buckets.</summary>
            /// <remarks>
            /// No finalizer: removing hooks from the finalizer thread could race a backward pass on another thread; a
            /// reducer never disposed keeps its buckets, and its hooks do nothing until it is prepared again.
            /// </remarks>
            public void Dispose()
            {
                var h = Interlocked.Exchange(ref handle, IntPtr.Zero);
                if (h != IntPtr.Zero) TS_Reducer_free(h);
            }
        }
    }
}
