using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>How a loss reduces over the batch; values are libtorch's.</summary>
        public enum Reduction
        {
            /// <summary>One loss per element.</summary>
            None = 0,
            /// <summary>The mean over elements (over non-ignored ones for cross-entropy).</summary>
            Mean = 1,
            /// <summary>The sum over elements.</summary>
            Sum = 2,
        }

        /// <summary>Stateless ops, as <c>torch.nn.functional</c>. Layer-specific ops sit in their layer's file.</summary>
        public static partial class functional
        {
            // https://pytorch.org/docs/stable/nn.functional.html#non-linear-activation-functions
            /// <summary>softmax along <paramref name="dim"/>.</summary>
            public static Tensor softmax(Tensor input, long dim, ScalarType? dtype = null) =>
                new(TS_NN_softmax(input.Handle, dim, dtype is null ? -1 : (int)dtype));
            /// <summary>log softmax along <paramref name="dim"/>, computed stably.</summary>
            public static Tensor log_softmax(Tensor input, long dim, ScalarType? dtype = null) =>
                new(TS_NN_log_softmax(input.Handle, dim, dtype is null ? -1 : (int)dtype));
            /// <summary>GELU (exact erf form, as BERT).</summary>
            public static Tensor gelu(Tensor input) => input.gelu();
            /// <summary>max(x, 0)</summary>
            public static Tensor relu(Tensor input) => input.relu();
            /// <summary>tanh</summary>
            public static Tensor tanh(Tensor input) => input.tanh();
            /// <summary>logistic sigmoid</summary>
            public static Tensor sigmoid(Tensor input) => input.sigmoid();
            /// <summary>log σ(x), stable for large |x|.</summary>
            public static Tensor log_sigmoid(Tensor input) => input.log_sigmoid();
            /// <summary>Pads the last dimensions: pad = (left, right, top, bottom, ...).</summary>
            public static Tensor pad(Tensor input, long[] pad, double value = 0) => new(TS_NN_pad(input.Handle, pad, pad.Length, value));

            // https://pytorch.org/docs/stable/nn.functional.html#loss-functions
            /// <summary>Cross-entropy of logits (N, C) or (N, C, d...) against class indices.</summary>
            /// <param name="input">Logits, (N, C) or (N, C, d1, ...).</param>
            /// <param name="target">Class indices (N) or (N, d1, ...), int64.</param>
            /// <param name="weight">Per-class weights (C), optional.</param>
            /// <param name="ignore_index">Targets with this value contribute nothing (and are not counted by the mean).</param>
            /// <param name="reduction">None, Mean or Sum.</param>
            /// <param name="label_smoothing">Mass spread uniformly over classes, in [0, 1].</param>
            public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100,
                Reduction reduction = Reduction.Mean, double label_smoothing = 0.0)
            {
                Tensor r = new(TS_NN_cross_entropy(input.Handle, target.Handle, weight?.Pointer ?? IntPtr.Zero, (long)reduction, ignore_index, label_smoothing));
                GC.KeepAlive(weight);
                return r;
            }

            /// <summary>Negative log-likelihood of log-probabilities (N, C) or (N, C, d...).</summary>
            public static Tensor nll_loss(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100, Reduction reduction = Reduction.Mean)
            {
                Tensor r = new(TS_NN_nll_loss(input.Handle, target.Handle, weight?.Pointer ?? IntPtr.Zero, (long)reduction, ignore_index));
                GC.KeepAlive(weight);
                return r;
            }

            /// <summary>Binary cross-entropy of logits against targets in [0, 1] (same shape).</summary>
            public static Tensor binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean,
                Tensor? pos_weight = null)
            {
                Tensor r = new(TS_NN_binary_cross_entropy_with_logits(input.Handle, target.Handle, weight?.Pointer ?? IntPtr.Zero,
                    pos_weight?.Pointer ?? IntPtr.Zero, (long)reduction));
                GC.KeepAlive(weight);
                GC.KeepAlive(pos_weight);
                return r;
            }

            /// <summary>Mean squared error.</summary>
            public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                new(TS_NN_mse_loss(input.Handle, target.Handle, (long)reduction));

            /// <summary>One-hot encoding of int64 class indices (an int64 tensor with a trailing class dimension).</summary>
            public static Tensor one_hot(Tensor input, long num_classes = -1) => new(TS_Tensor_one_hot(input.Handle, num_classes));
        }
    }
}
