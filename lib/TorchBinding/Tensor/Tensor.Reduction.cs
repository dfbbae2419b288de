using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

public static partial class torch
{
    public partial class Tensor
    {
        // https://pytorch.org/docs/stable/torch.html#reduction-ops
        /// <summary>Sum of all elements (optionally accumulated in <paramref name="type"/>).</summary>
        public Tensor sum(ScalarType? type = null) => new(TS_Tensor_sum(Handle, default, 0, 0, type is null ? -1 : (int)type));
        /// <summary>Sum over <paramref name="dim"/>.</summary>
        public Tensor sum(long dim, bool keepdim = false, ScalarType? type = null) => sum([dim], keepdim, type);
        /// <summary>Sum over <paramref name="dim"/>. (Without this overload C# binds <c>sum(0)</c> to <c>sum(ScalarType?)</c>: a literal 0 converts to any enum.)</summary>
        public Tensor sum(int dim, bool keepdim = false, ScalarType? type = null) => sum([(long)dim], keepdim, type);
        /// <summary>Sum over several dimensions.</summary>
        public Tensor sum(long[] dim, bool keepdim = false, ScalarType? type = null) =>
            new(TS_Tensor_sum(Handle, NonEmpty(dim), dim.Length, keepdim ? 1 : 0, type is null ? -1 : (int)type));
        /// <summary>Mean of all elements.</summary>
        public Tensor mean(ScalarType? type = null) => new(TS_Tensor_mean(Handle, default, 0, 0, type is null ? -1 : (int)type));
        /// <summary>Mean over <paramref name="dim"/>.</summary>
        public Tensor mean(long dim, bool keepdim = false) => mean([dim], keepdim);
        /// <summary>Mean over <paramref name="dim"/> (an int overload for the reason given at <see cref="sum(int, bool, ScalarType?)"/>).</summary>
        public Tensor mean(int dim, bool keepdim = false) => mean([(long)dim], keepdim);
        /// <summary>Mean over several dimensions.</summary>
        public Tensor mean(long[] dim, bool keepdim = false) => new(TS_Tensor_mean(Handle, NonEmpty(dim), dim.Length, keepdim ? 1 : 0, -1));
        /// <summary>Product of all elements.</summary>
        public Tensor prod() => new(TS_Tensor_prod(Handle));
        /// <summary>Largest element.</summary>
        public Tensor max() => new(TS_Tensor_max_all(Handle));
        /// <summary>Smallest element.</summary>
        public Tensor min() => new(TS_Tensor_min_all(Handle));

        /// <summary>Largest values along <paramref name="dim"/> and their indices.</summary>
        public (Tensor values, Tensor indexes) max(long dim, bool keepdim = false)
        {
            NativeError.Check(TS_Tensor_max_dim(Handle, dim, keepdim ? 1 : 0, out IntPtr v, out IntPtr i));
            return (new Tensor(v), new Tensor(i));
        }

        /// <summary>Smallest values along <paramref name="dim"/> and their indices.</summary>
        public (Tensor values, Tensor indexes) min(long dim, bool keepdim = false)
        {
            NativeError.Check(TS_Tensor_min_dim(Handle, dim, keepdim ? 1 : 0, out IntPtr v, out IntPtr i));
            return (new Tensor(v), new Tensor(i));
        }

        /// <summary>Index of the largest element (flattened when <paramref name="dim"/> is null).</summary>
        public Tensor argmax(long? dim = null, bool keepdim = false) => new(TS_Tensor_argmax(Handle, dim ?? 0, dim.HasValue ? 1 : 0, keepdim ? 1 : 0));
        /// <summary>Index of the smallest element.</summary>
        public Tensor argmin(long? dim = null, bool keepdim = false) => new(TS_Tensor_argmin(Handle, dim ?? 0, dim.HasValue ? 1 : 0, keepdim ? 1 : 0));
        /// <summary>log Σ exp over <paramref name="dim"/>, computed stably.</summary>
        public Tensor logsumexp(long dim, bool keepdim = false) => new(TS_Tensor_logsumexp(Handle, [dim], 1, keepdim ? 1 : 0));
        /// <summary>p-norm of all elements.</summary>
        public Tensor norm(double p = 2) => new(TS_Tensor_norm(Handle, p, default, 0, 0));
        /// <summary>p-norm over dimensions.</summary>
        public Tensor norm(long[] dim, double p = 2, bool keepdim = false) => new(TS_Tensor_norm(Handle, p, NonEmpty(dim), dim.Length, keepdim ? 1 : 0));
        /// <summary>Variance of all elements (Bessel-corrected unless told otherwise).</summary>
        public Tensor var(bool unbiased = true) => new(TS_Tensor_var(Handle, default, 0, unbiased ? 1 : 0, 0));
        /// <summary>Variance over <paramref name="dim"/>.</summary>
        public Tensor var(long dim, bool unbiased = true, bool keepdim = false) => new(TS_Tensor_var(Handle, [dim], 1, unbiased ? 1 : 0, keepdim ? 1 : 0));
        /// <summary>Standard deviation of all elements.</summary>
        public Tensor std(bool unbiased = true) => new(TS_Tensor_std(Handle, default, 0, unbiased ? 1 : 0, 0));
        /// <summary>Standard deviation over <paramref name="dim"/>.</summary>
        public Tensor std(long dim, bool unbiased = true, bool keepdim = false) => new(TS_Tensor_std(Handle, [dim], 1, unbiased ? 1 : 0, keepdim ? 1 : 0));
        /// <summary>True when every element is non-zero.</summary>
        public Tensor all() => new(TS_Tensor_all(Handle));
        /// <summary>True when any element is non-zero.</summary>
        public Tensor any() => new(TS_Tensor_any(Handle));
        /// <summary>Running sum along <paramref name="dim"/>.</summary>
        public Tensor cumsum(long dim) => new(TS_Tensor_cumsum(Handle, dim));

        /// <summary>The k largest (or smallest) elements along <paramref name="dim"/>.</summary>
        public (Tensor values, Tensor indexes) topk(long k, long dim = -1, bool largest = true, bool sorted = true)
        {
            NativeError.Check(TS_Tensor_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out IntPtr v, out IntPtr i));
            return (new Tensor(v), new Tensor(i));
        }

        /// <summary>Sorts along <paramref name="dim"/>.</summary>
        public (Tensor values, Tensor indices) sort(long dim = -1, bool descending = false)
        {
            NativeError.Check(TS_Tensor_sort(Handle, dim, descending ? 1 : 0, out IntPtr v, out IntPtr i));
            return (new Tensor(v), new Tensor(i));
        }

        private static long[] NonEmpty(long[] dims)
        {
            ArgumentNullException.ThrowIfNull(dims);
            if (dims.Length == 0) throw new ArgumentException("at least one dimension is required", nameof(dims));
            return dims;
        }
    }

    /// <summary>log Σ exp over <paramref name="dim"/>.</summary>
    public static Tensor logsumexp(Tensor x, long dim, bool keepdim = false) => x.logsumexp(dim, keepdim);
    /// <summary>Sum of all elements.</summary>
    public static Tensor sum(Tensor x) => x.sum();
    /// <summary>Mean of all elements.</summary>
    public static Tensor mean(Tensor x) => x.mean();
    /// <summary>Index of the largest element along a dimension.</summary>
    public static Tensor argmax(Tensor x, long? dim = null, bool keepdim = false) => x.argmax(dim, keepdim);
    /// <summary>The k largest elements.</summary>
    public static (Tensor values, Tensor indexes) topk(Tensor x, long k, long dim = -1, bool largest = true, bool sorted = true) => x.topk(k, dim, largest, sorted);
}
