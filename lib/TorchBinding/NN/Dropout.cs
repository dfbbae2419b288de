using static TorchBinding.Interop.NativeMethods;
using static TorchBinding.torch.nn;
using static TorchBinding.torch;

namespace TorchBinding.Modules
{
    /// <summary>Zeroes elements with probability p in training mode (scaling the rest by 1/(1-p)); identity in eval mode.</summary>
    public sealed class Dropout : Module<Tensor, Tensor>
    {
        /// <summary>Creates the layer.</summary>
        public Dropout(double p = 0.5) : base(nameof(Dropout))
        {
            if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), $"dropout probability has to be between 0 and 1, but got {p}");
            P = p;
        }

        /// <summary>Drop probability.</summary>
        public double P { get; }

        /// <inheritdoc/>
        public override Tensor forward(Tensor input) => functional.dropout(input, P, training);

        /// <inheritdoc/>
        protected override string ExtraRepr() => $"p={P}";
    }
}

namespace TorchBinding
{
    using TorchBinding.Modules;

    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>Creates a <see cref="Modules.Dropout"/>.</summary>
            public static Dropout Dropout(double p = 0.5) => new(p);

            public static partial class functional
            {
                /// <summary>
                /// Dropout; the identity when <paramref name="training"/> is false. CPU float32 and bfloat16 tensors use the
                /// shim's fast kernel (a hashed counter mask keyed from libtorch's generator: reproducible under
                /// manual_seed, a different stream from PyTorch's) unless <see cref="backends.fused"/> turns it off.
                /// </summary>
                public static Tensor dropout(Tensor input, double p = 0.5, bool training = true)
                {
                    ArgumentNullException.ThrowIfNull(input);
                    if (training && p > 0 && p < 1 && backends.fused.Dropout && input.device_type == DeviceType.CPU
                        && input.dtype is ScalarType.Float32 or ScalarType.BFloat16)
                        return new(TS_NN_dropout_fast(input.Handle, p));
                    return new(TS_NN_dropout(input.Handle, p, training ? 1 : 0));
                }
            }
        }
    }
}
