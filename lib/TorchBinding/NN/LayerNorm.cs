using static TorchBinding.Interop.NativeMethods;
using static TorchBinding.torch.nn;
using static TorchBinding.torch;

namespace TorchBinding.Modules
{
    /// <summary>Normalises the last dimensions to zero mean, unit variance, then scales (weight) and shifts (bias).</summary>
    public sealed class LayerNorm : Module<Tensor, Tensor>
    {
        /// <summary>Creates the layer over the trailing <paramref name="normalized_shape"/>.</summary>
        public LayerNorm(long[] normalized_shape, double eps = 1e-5, bool elementwise_affine = true, Device? device = null, ScalarType? dtype = null) : base(nameof(LayerNorm))
        {
            NormalizedShape = (long[])normalized_shape.Clone();
            Eps = eps;
            if (elementwise_affine)
            {
                using Tensor w = ones(normalized_shape, dtype, device);
                using Tensor b = zeros(normalized_shape, dtype, device);
                weight = new Parameter(w);
                bias = new Parameter(b);
            }
            register_parameter("weight", weight);
            register_parameter("bias", bias);
        }

        /// <summary>Scale, shaped like the normalised dimensions.</summary>
        public Parameter? weight { get; }
        /// <summary>Shift, shaped like the normalised dimensions.</summary>
        public Parameter? bias { get; }
        /// <summary>The trailing dimensions normalised over.</summary>
        public IReadOnlyList<long> NormalizedShape { get; }
        /// <summary>Added to the variance.</summary>
        public double Eps { get; }

        /// <inheritdoc/>
        public override Tensor forward(Tensor input) => functional.layer_norm(input, NormalizedShape.ToArray(), weight, bias, Eps);

        /// <inheritdoc/>
        protected override string ExtraRepr() => $"({string.Join(", ", NormalizedShape)},), eps={Eps}";
    }
}

namespace TorchBinding
{
    using TorchBinding.Modules;

    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>Creates a <see cref="Modules.LayerNorm"/> over the last dimension.</summary>
            public static LayerNorm LayerNorm(long normalized_shape, double eps = 1e-5, bool elementwise_affine = true, Device? device = null, ScalarType? dtype = null) =>
                new([normalized_shape], eps, elementwise_affine, device, dtype);

            public static partial class functional
            {
                /// <summary>Layer normalisation over the trailing <paramref name="normalized_shape"/>.</summary>
                public static Tensor layer_norm(Tensor input, long[] normalized_shape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
                {
                    Tensor r = new(TS_NN_layer_norm(input.Handle, normalized_shape, normalized_shape.Length, weight?.Pointer ?? IntPtr.Zero, bias?.Pointer ?? IntPtr.Zero, eps));
                    GC.KeepAlive(weight);
                    GC.KeepAlive(bias);
                    return r;
                }
            }
        }
    }
}
