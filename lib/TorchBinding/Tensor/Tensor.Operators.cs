namespace TorchBinding;

public static partial class torch
{
#pragma warning disable CA2225 // The named methods (add, sub, mul, ...) are the alternates.
    public partial class Tensor
    {
        /// <summary>x + y</summary>
        public static Tensor operator +(Tensor a, Tensor b) => a.add(b);
        /// <summary>x + s</summary>
        public static Tensor operator +(Tensor a, Scalar b) => a.add(b);
        /// <summary>s + x</summary>
        public static Tensor operator +(Scalar a, Tensor b) => b.add(a);
        /// <summary>x - y</summary>
        public static Tensor operator -(Tensor a, Tensor b) => a.sub(b);
        /// <summary>x - s</summary>
        public static Tensor operator -(Tensor a, Scalar b) => a.sub(b);
        /// <summary>s - x</summary>
        public static Tensor operator -(Scalar a, Tensor b) => new(Interop.NativeMethods.TS_Tensor_rsub_scalar(b.Handle, a.Native));
        /// <summary>x · y</summary>
        public static Tensor operator *(Tensor a, Tensor b) => a.mul(b);
        /// <summary>x · s</summary>
        public static Tensor operator *(Tensor a, Scalar b) => a.mul(b);
        /// <summary>s · x</summary>
        public static Tensor operator *(Scalar a, Tensor b) => b.mul(a);
        /// <summary>x / y</summary>
        public static Tensor operator /(Tensor a, Tensor b) => a.div(b);
        /// <summary>x / s</summary>
        public static Tensor operator /(Tensor a, Scalar b) => a.div(b);
        /// <summary>s / x</summary>
        public static Tensor operator /(Scalar a, Tensor b) => new(Interop.NativeMethods.TS_Tensor_rdiv_scalar(b.Handle, a.Native));
        /// <summary>x mod y (Python semantics)</summary>
        public static Tensor operator %(Tensor a, Tensor b) => a.remainder(b);
        /// <summary>x mod s</summary>
        public static Tensor operator %(Tensor a, Scalar b) => a.remainder(b);
        /// <summary>-x</summary>
        public static Tensor operator -(Tensor a) => a.neg();
        /// <summary>Logical/bitwise and.</summary>
        public static Tensor operator &(Tensor a, Tensor b) => a.bitwise_and(b);
        /// <summary>Logical/bitwise or.</summary>
        public static Tensor operator |(Tensor a, Tensor b) => a.bitwise_or(b);
        /// <summary>Logical not.</summary>
        public static Tensor operator !(Tensor a) => a.logical_not();
        /// <summary>x &lt; y</summary>
        public static Tensor operator <(Tensor a, Tensor b) => a.lt(b);
        /// <summary>x &gt; y</summary>
        public static Tensor operator >(Tensor a, Tensor b) => a.gt(b);
        /// <summary>x &lt;= y</summary>
        public static Tensor operator <=(Tensor a, Tensor b) => a.le(b);
        /// <summary>x &gt;= y</summary>
        public static Tensor operator >=(Tensor a, Tensor b) => a.ge(b);
        /// <summary>x &lt; s</summary>
        public static Tensor operator <(Tensor a, Scalar b) => a.lt(b);
        /// <summary>x &gt; s</summary>
        public static Tensor operator >(Tensor a, Scalar b) => a.gt(b);
        /// <summary>x &lt;= s</summary>
        public static Tensor operator <=(Tensor a, Scalar b) => a.le(b);
        /// <summary>x &gt;= s</summary>
        public static Tensor operator >=(Tensor a, Scalar b) => a.ge(b);
    }
#pragma warning restore CA2225
}
