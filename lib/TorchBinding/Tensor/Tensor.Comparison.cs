using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

public static partial class torch
{
    public partial class Tensor
    {
        // https://pytorch.org/docs/stable/torch.html#comparison-ops
        /// <summary>x == y, elementwise (bool tensor).</summary>
        public Tensor eq(Tensor other) => new(TS_Tensor_eq(Handle, other.Handle));
        /// <summary>x == s</summary>
        public Tensor eq(Scalar other) => new(TS_Tensor_eq_scalar(Handle, other.Native));
        /// <summary>x != y</summary>
        public Tensor ne(Tensor other) => new(TS_Tensor_ne(Handle, other.Handle));
        /// <summary>x != s</summary>
        public Tensor ne(Scalar other) => new(TS_Tensor_ne_scalar(Handle, other.Native));
        /// <summary>x &lt; y</summary>
        public Tensor lt(Tensor other) => new(TS_Tensor_lt(Handle, other.Handle));
        /// <summary>x &lt; s</summary>
        public Tensor lt(Scalar other) => new(TS_Tensor_lt_scalar(Handle, other.Native));
        /// <summary>x &lt;= y</summary>
        public Tensor le(Tensor other) => new(TS_Tensor_le(Handle, other.Handle));
        /// <summary>x &lt;= s</summary>
        public Tensor le(Scalar other) => new(TS_Tensor_le_scalar(Handle, other.Native));
        /// <summary>x &gt; y</summary>
        public Tensor gt(Tensor other) => new(TS_Tensor_gt(Handle, other.Handle));
        /// <summary>x &gt; s</summary>
        public Tensor gt(Scalar other) => new(TS_Tensor_gt_scalar(Handle, other.Native));
        /// <summary>x &gt;= y</summary>
        public Tensor ge(Tensor other) => new(TS_Tensor_ge(Handle, other.Handle));
        /// <summary>x &gt;= s</summary>
        public Tensor ge(Scalar other) => new(TS_Tensor_ge_scalar(Handle, other.Native));

        /// <summary>Same shape and the same elements.</summary>
        public bool equal(Tensor other)
        {
            NativeError.Check(TS_Tensor_equal(Handle, other.Handle, out int r));
            return r != 0;
        }

        /// <summary>|x - y| &lt;= atol + rtol·|y| everywhere.</summary>
        public bool allclose(Tensor other, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false)
        {
            NativeError.Check(TS_Tensor_allclose(Handle, other.Handle, rtol, atol, equal_nan ? 1 : 0, out int r));
            return r != 0;
        }
    }
}
