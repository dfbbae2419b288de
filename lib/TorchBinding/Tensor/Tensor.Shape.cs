using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

public static partial class torch
{
    public partial class Tensor
    {
        // https://pytorch.org/docs/stable/torch.html#indexing-slicing-joining-mutating-ops
        /// <summary>A view with another shape (one entry may be -1).</summary>
        public Tensor view(params long[] shape) => new(TS_Tensor_view(Handle, shape, shape.Length));
        /// <summary>The same data with another shape (a copy only when needed).</summary>
        public Tensor reshape(params long[] shape) => new(TS_Tensor_reshape(Handle, shape, shape.Length));
        /// <summary>Swaps two dimensions.</summary>
        public Tensor transpose(long dim0, long dim1) => new(TS_Tensor_transpose(Handle, dim0, dim1));
        /// <summary>Transposes a 2-D tensor.</summary>
        public Tensor t() => transpose(0, 1);
        /// <summary>Transpose of a matrix (TorchSharp's property).</summary>
        public Tensor T => t();
        /// <summary>Reorders dimensions.</summary>
        public Tensor permute(params long[] dims) => new(TS_Tensor_permute(Handle, dims, dims.Length));
        /// <summary>Removes all size-1 dimensions.</summary>
        public Tensor squeeze() => new(TS_Tensor_squeeze(Handle));
        /// <summary>Removes <paramref name="dim"/> if its size is 1.</summary>
        public Tensor squeeze(long dim) => new(TS_Tensor_squeeze_dim(Handle, dim));
        /// <summary>Inserts a size-1 dimension at <paramref name="dim"/>.</summary>
        public Tensor unsqueeze(long dim) => new(TS_Tensor_unsqueeze(Handle, dim));
        /// <summary>Broadcasts size-1 dimensions to <paramref name="shape"/> (-1 keeps a size).</summary>
        public Tensor expand(params long[] shape) => new(TS_Tensor_expand(Handle, shape, shape.Length));
        /// <summary>Broadcasts to the shape of <paramref name="other"/>.</summary>
        public Tensor expand_as(Tensor other) => expand(other.shape);
        /// <summary>The view [start, start+length) of <paramref name="dim"/>.</summary>
        public Tensor narrow(long dim, long start, long length) => new(TS_Tensor_narrow(Handle, dim, start, length));
        /// <summary>The slice at <paramref name="index"/> of <paramref name="dim"/> (that dimension removed).</summary>
        public Tensor select(long dim, long index) => new(TS_Tensor_select(Handle, dim, index));
        /// <summary>Python's x[..., start:end:step, ...] on one dimension.</summary>
        public Tensor slice(long dim, long start, long end, long step = 1) => new(TS_Tensor_slice(Handle, dim, start, end, step));
        /// <summary>Flattens dimensions start..end into one.</summary>
        public Tensor flatten(long start_dim = 0, long end_dim = -1) => new(TS_Tensor_flatten(Handle, start_dim, end_dim));
        /// <summary>Reverses the order along dimensions.</summary>
        public Tensor flip(params long[] dims) => new(TS_Tensor_flip(Handle, dims, dims.Length));
        /// <summary>Tiles the tensor.</summary>
        public Tensor repeat(params long[] repeats) => new(TS_Tensor_repeat(Handle, repeats, repeats.Length));
        /// <summary>Lower triangle (diagonal offset <paramref name="diagonal"/>), zero elsewhere.</summary>
        public Tensor tril(long diagonal = 0) => new(TS_Tensor_tril(Handle, diagonal));
        /// <summary>Upper triangle, zero elsewhere.</summary>
        public Tensor triu(long diagonal = 0) => new(TS_Tensor_triu(Handle, diagonal));

        /// <summary>Splits into <paramref name="chunks"/> nearly equal pieces along <paramref name="dim"/>.</summary>
        public Tensor[] chunk(long chunks, long dim = 0)
        {
            var pieces = new IntPtr[Math.Max(chunks, 1)];
            return Pieces(TS_Tensor_chunk(Handle, chunks, dim, pieces, pieces.Length), pieces);
        }

        /// <summary>Splits into pieces of <paramref name="size"/> along <paramref name="dim"/> (the last may be smaller).</summary>
        public Tensor[] split(long size, long dim = 0)
        {
            long length = this.size(dim);
            var pieces = new IntPtr[Math.Max(1, size > 0 ? (length + size - 1) / size : 1)];
            return Pieces(TS_Tensor_split(Handle, size, dim, pieces, pieces.Length), pieces);
        }

        /// <summary>Splits into pieces of the given sizes along <paramref name="dim"/>.</summary>
        public Tensor[] split(long[] sizes, long dim = 0)
        {
            ArgumentNullException.ThrowIfNull(sizes);
            var pieces = new IntPtr[Math.Max(sizes.Length, 1)];
            return Pieces(TS_Tensor_split_sizes(Handle, sizes, sizes.Length, dim, pieces, pieces.Length), pieces);
        }

        private static Tensor[] Pieces(int count, IntPtr[] pieces)
        {
            if (count < 0) NativeError.Throw();
            var result = new Tensor[count];
            for (int k = 0; k < count; k++) result[k] = new Tensor(pieces[k]);
            return result;
        }
    }

    internal static IntPtr[] Pointers(IReadOnlyList<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var p = new IntPtr[tensors.Count];
        for (int k = 0; k < p.Length; k++) p[k] = tensors[k].Pointer;
        return p;
    }

    /// <summary>Concatenates along an existing dimension.</summary>
    public static Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        Tensor r = new(TS_Tensor_cat(Pointers(tensors), tensors.Count, dim));
        GC.KeepAlive(tensors);
        return r;
    }

    /// <summary>Stacks along a new dimension.</summary>
    public static Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        Tensor r = new(TS_Tensor_stack(Pointers(tensors), tensors.Count, dim));
        GC.KeepAlive(tensors);
        return r;
    }

    /// <summary>Concatenates along an existing dimension (TorchSharp's alias).</summary>
    public static Tensor concatenate(IReadOnlyList<Tensor> tensors, long dim = 0) => cat(tensors, dim);
}
