using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

public static partial class torch
{
    public partial class Tensor
    {
        // https://pytorch.org/docs/stable/torch.html#blas-and-lapack-operations
        /// <summary>Matrix product with broadcasting (torch.matmul).</summary>
        public Tensor matmul(Tensor other) => new(TS_Tensor_matmul(Handle, other.Handle));
        /// <summary>(n, k) × (k, m).</summary>
        public Tensor mm(Tensor other) => new(TS_Tensor_mm(Handle, other.Handle));
        /// <summary>(b, n, k) × (b, k, m).</summary>
        public Tensor bmm(Tensor other) => new(TS_Tensor_bmm(Handle, other.Handle));
        /// <summary>beta·x + alpha·(b1 × b2), batched.</summary>
        public Tensor baddbmm(Tensor batch1, Tensor batch2, Scalar? beta = null, Scalar? alpha = null) =>
            new(TS_Tensor_baddbmm(Handle, batch1.Handle, batch2.Handle, (beta ?? 1).Native, (alpha ?? 1).Native));
        /// <summary>beta·x + alpha·(m1 × m2).</summary>
        public Tensor addmm(Tensor mat1, Tensor mat2, Scalar? beta = null, Scalar? alpha = null) =>
            new(TS_Tensor_addmm(Handle, mat1.Handle, mat2.Handle, (beta ?? 1).Native, (alpha ?? 1).Native));
        /// <summary>Outer product of two vectors.</summary>
        public Tensor outer(Tensor other) => new(TS_Tensor_outer(Handle, other.Handle));
        /// <summary>Dot product of two vectors.</summary>
        public Tensor dot(Tensor other) => new(TS_Tensor_dot(Handle, other.Handle));
    }

    /// <summary>Matrix product with broadcasting.</summary>
    public static Tensor matmul(Tensor a, Tensor b) => a.matmul(b);
    /// <summary>Batched matrix product.</summary>
    public static Tensor bmm(Tensor a, Tensor b) => a.bmm(b);
    /// <summary>beta·x + alpha·(b1 × b2).</summary>
    public static Tensor baddbmm(Tensor x, Tensor batch1, Tensor batch2, Scalar? beta = null, Scalar? alpha = null) => x.baddbmm(batch1, batch2, beta, alpha);

    /// <summary>Einstein summation, e.g. <c>einsum("bij,bjk->bik", a, b)</c>.</summary>
    public static Tensor einsum(string equation, params Tensor[] tensors)
    {
        Tensor r = new(TS_Tensor_einsum(equation, Pointers(tensors), tensors.Length));
        GC.KeepAlive(tensors);
        return r;
    }
}
