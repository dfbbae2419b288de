using static TorchBinding.Interop.NativeMethods;
using static TorchBinding.torch.nn;
using static TorchBinding.torch;

namespace TorchBinding.Modules
{
    /// <summary>y = x Wᵀ + b. Weight (out, in), bias (out); both initialised U(-1/√in, 1/√in) as PyTorch.</summary>
    public sealed class Linear : Module<Tensor, Tensor>
    {
        /// <summary>Creates the layer.</summary>
        public Linear(long in_features, long out_features, bool hasBias = true, Device? device = null, ScalarType? dtype = null) : base(nameof(Linear))
        {
            InFeatures = in_features;
            OutFeatures = out_features;
            double bound = 1.0 / Math.Sqrt(in_features);
            using (no_grad())
            {
                using Tensor w = empty([out_features, in_features], dtype, device).uniform_(-bound, bound);
                weight = new Parameter(w);
                if (hasBias)
                {
                    using Tensor b = empty([out_features], dtype, device).uniform_(-bound, bound);
                    bias = new Parameter(b);
                }
            }
            register_parameter("weight", weight);
            register_parameter("bias", bias);
        }

        /// <summary>(out_features, in_features)</summary>
        public Parameter weight { get; }
        /// <summary>(out_features), or null.</summary>
        public Parameter? bias { get; }
        /// <summary>Input size.</summary>
        public long InFeatures { get; }
        /// <summary>Output size.</summary>
        public long OutFeatures { get; }

        /// <param name="input">(*, in_features)</param>
        /// <returns>(*, out_features)</returns>
        public override Tensor forward(Tensor input) => functional.linear(input, weight, bias);

        /// <inheritdoc/>
        protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={bias is not null}";
    }
}

namespace TorchBinding
{
    using TorchBinding.Modules;

    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>Creates a <see cref="Modules.Linear"/> layer.</summary>
            public static Linear Linear(long in_features, long out_features, bool hasBias = true, Device? device = null, ScalarType? dtype = null) =>
                new(in_features, out_features, hasBias, device, dtype);

            public static partial class functional
            {
                /// <summary>x Wᵀ + b for x (*, in), W (out, in), b (out).</summary>
                public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null)
                {
                    Tensor r = new(TS_NN_linear(input.Handle, weight.Handle, bias?.Pointer ?? IntPtr.Zero));
                    GC.KeepAlive(bias);
                    return r;
                }
            }
        }
    }
}
