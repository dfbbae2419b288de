namespace TorchBinding;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>
        /// A tensor that a module owns and an optimizer updates. It never belongs to a dispose scope:
        /// its module disposes it.
        /// </summary>
        public sealed class Parameter : Tensor
        {
            /// <summary>Wraps (a detached alias of) <paramref name="data"/> as a leaf that requires grad.</summary>
            /// <remarks>The parameter shares storage with <paramref name="data"/>; the caller keeps ownership of the argument handle.</remarks>
            public Parameter(Tensor data, bool requires_grad = true) : base(Interop.NativeMethods.TS_Tensor_detach(Checked(data).Handle))
            {
                DetachFromDisposeScope();
                this.requires_grad = requires_grad;
            }

            private static Tensor Checked(Tensor data)
            {
                ArgumentNullException.ThrowIfNull(data);
                return data;
            }
        }
    }
}
