using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

public static partial class torch
{
    /// <summary>One term of a Python-style index: <c>x[None, ..., 2, 1:5:2, mask]</c>.</summary>
    public readonly struct TensorIndex : IEquatable<TensorIndex>
    {
        internal readonly int Kind; // 0 None, 1 Ellipsis, 2 integer, 3 slice, 4 tensor, 5 bool
        internal readonly long A, B, C;
        internal readonly int Flags;
        internal readonly Tensor? Tensor;

        private TensorIndex(int kind, long a = 0, long b = 0, long c = 0, int flags = 0, Tensor? tensor = null)
        {
            Kind = kind; A = a; B = b; C = c; Flags = flags; Tensor = tensor;
        }

        /// <summary>Inserts a new axis (Python's None).</summary>
        public static TensorIndex None { get; } = new(0);
        /// <summary>All remaining dimensions (Python's ...).</summary>
        public static TensorIndex Ellipsis { get; } = new(1);
        /// <summary>All of one dimension (Python's :).</summary>
        public static TensorIndex Colon { get; } = new(3);
        /// <summary>A single position (the dimension is removed).</summary>
        public static TensorIndex Single(long index) => new(2, index);
        /// <summary>start:stop:step; any part may be null (negative values count from the end).</summary>
        public static TensorIndex Slice(long? start = null, long? stop = null, long? step = null) =>
            new(3, start ?? 0, stop ?? 0, step ?? 1, (start.HasValue ? 1 : 0) | (stop.HasValue ? 2 : 0) | (step.HasValue ? 4 : 0));
        /// <summary>An integer index tensor or a boolean mask.</summary>
        public static TensorIndex TensorTerm(Tensor index) => new(4, tensor: index);
        /// <summary>A boolean term (Python's x[True]).</summary>
        public static TensorIndex Bool(bool value) => new(5, value ? 1 : 0);

#pragma warning disable CA2225 // The named factories above are the alternates.
        /// <summary>A single position.</summary>
        public static implicit operator TensorIndex(long index) => Single(index);
        /// <summary>A single position.</summary>
        public static implicit operator TensorIndex(int index) => Single(index);
        /// <summary>An index tensor or mask.</summary>
        public static implicit operator TensorIndex(Tensor index) => TensorTerm(index);
        /// <summary>A C# range as a slice: <c>1..3</c>, <c>..^1</c> (from-end indices become negative).</summary>
        public static implicit operator TensorIndex(Range range)
        {
            long? start = range.Start.IsFromEnd ? (range.Start.Value == 0 ? null : -range.Start.Value) : range.Start.Value;
            long? stop = range.End.IsFromEnd ? (range.End.Value == 0 ? null : -range.End.Value) : range.End.Value;
            if (start == 0) start = null;
            return Slice(start, stop);
        }
#pragma warning restore CA2225

        /// <inheritdoc/>
        public bool Equals(TensorIndex other) =>
            Kind == other.Kind && A == other.A && B == other.B && C == other.C && Flags == other.Flags && ReferenceEquals(Tensor, other.Tensor);
        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is TensorIndex o && Equals(o);
        /// <inheritdoc/>
        public override int GetHashCode() => HashCode.Combine(Kind, A, B, C, Flags);
        /// <summary>Equality.</summary>
        public static bool operator ==(TensorIndex a, TensorIndex b) => a.Equals(b);
        /// <summary>Inequality.</summary>
        public static bool operator !=(TensorIndex a, TensorIndex b) => !a.Equals(b);
    }

    public partial class Tensor
    {
        // https://pytorch.org/docs/stable/tensor_view.html and Python indexing semantics.

        /// <summary>Python-style indexing; the setter assigns a tensor (broadcast) in place.</summary>
        public Tensor this[params TensorIndex[] indices]
        {
            get
            {
                var e = Encode(indices);
                Tensor r = new(TS_Tensor_index(Handle, e.Kinds, e.A, e.B, e.C, e.Flags, e.Tensors, indices.Length));
                GC.KeepAlive(indices);
                return r;
            }
            set
            {
                var e = Encode(indices);
                NativeError.Check(TS_Tensor_index_put_(Handle, e.Kinds, e.A, e.B, e.C, e.Flags, e.Tensors, indices.Length, value.Handle));
                GC.KeepAlive(indices);
            }
        }

        /// <summary>Assigns a scalar to the indexed elements.</summary>
        public Tensor index_put_(Scalar value, params TensorIndex[] indices)
        {
            var e = Encode(indices);
            NativeError.Check(TS_Tensor_index_put_scalar_(Handle, e.Kinds, e.A, e.B, e.C, e.Flags, e.Tensors, indices.Length, value.Native));
            GC.KeepAlive(indices);
            return this;
        }

        private readonly record struct EncodedIndex(int[] Kinds, long[] A, long[] B, long[] C, int[] Flags, IntPtr[] Tensors);

        private static EncodedIndex Encode(TensorIndex[] indices)
        {
            ArgumentNullException.ThrowIfNull(indices);
            int n = indices.Length;
            var e = new EncodedIndex(new int[n], new long[n], new long[n], new long[n], new int[n], new IntPtr[n]);
            for (int k = 0; k < n; k++)
            {
                TensorIndex i = indices[k];
                e.Kinds[k] = i.Kind; e.A[k] = i.A; e.B[k] = i.B; e.C[k] = i.C; e.Flags[k] = i.Flags;
                e.Tensors[k] = i.Tensor?.Pointer ?? IntPtr.Zero;
            }
            return e;
        }

        /// <summary>Rows (or slices) at <paramref name="index"/> along <paramref name="dim"/>.</summary>
        public Tensor index_select(long dim, Tensor index) => new(TS_Tensor_index_select(Handle, dim, index.Handle));
        /// <summary>out[i][j] = x[i][index[i][j]] along <paramref name="dim"/>.</summary>
        public Tensor gather(long dim, Tensor index) => new(TS_Tensor_gather(Handle, dim, index.Handle));
        /// <summary>A copy with src written at <paramref name="index"/> along <paramref name="dim"/>.</summary>
        public Tensor scatter(long dim, Tensor index, Tensor src) => new(TS_Tensor_scatter(Handle, dim, index.Handle, src.Handle));
        /// <summary>A copy with a value written at <paramref name="index"/>.</summary>
        public Tensor scatter(long dim, Tensor index, Scalar value) => new(TS_Tensor_scatter_value(Handle, dim, index.Handle, value.Native));
        /// <summary>A copy with src added at <paramref name="index"/>.</summary>
        public Tensor scatter_add(long dim, Tensor index, Tensor src) => new(TS_Tensor_scatter_add(Handle, dim, index.Handle, src.Handle));
        /// <summary>A copy with <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
        public Tensor masked_fill(Tensor mask, Scalar value) => new(TS_Tensor_masked_fill(Handle, mask.Handle, value.Native));
        /// <summary>The elements where <paramref name="mask"/> is true, as a 1-D tensor.</summary>
        public Tensor masked_select(Tensor mask) => new(TS_Tensor_masked_select(Handle, mask.Handle));
        /// <summary>Indices of non-zero elements, (n, ndim).</summary>
        public Tensor nonzero() => new(TS_Tensor_nonzero(Handle));
    }

    /// <summary>x[index] along <paramref name="dim"/>.</summary>
    public static Tensor index_select(Tensor x, long dim, Tensor index) => x.index_select(dim, index);
    /// <summary>Gathers along <paramref name="dim"/>.</summary>
    public static Tensor gather(Tensor x, long dim, Tensor index) => x.gather(dim, index);
}
