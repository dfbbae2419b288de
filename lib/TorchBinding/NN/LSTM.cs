using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;
using static TorchBinding.torch.nn;
using static TorchBinding.torch;

namespace TorchBinding.Modules
{
    /// <summary>
    /// Multi-layer (bi)LSTM: on CPU float32 without initial states it runs the shim's fused kernel
    /// (<see cref="UseFusedKernel"/>), otherwise libtorch's own. With <c>lengths</c>, each sequence of a
    /// padded batch is processed to its own length exactly as PyTorch's packed sequences do: the
    /// reverse direction starts at the last real step, the final states are those at each
    /// sequence's end, and padded output steps are zero.
    /// </summary>
    public sealed class LSTM : RecurrentBase
    {
        /// <summary>Creates the layer.</summary>
        public LSTM(long input_size, long hidden_size, long num_layers = 1, bool bias = true, bool batch_first = false,
            double dropout = 0, bool bidirectional = false, Device? device = null, ScalarType? dtype = null)
            : base(nameof(LSTM), 4, input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, device, dtype) { }

        /// <summary>Runs the LSTM.</summary>
        /// <param name="input">(B, T, I) when batch_first, else (T, B, I).</param>
        /// <param name="h0_c0">Initial states, each (layers·dirs, B, H); zeros when null.</param>
        /// <param name="lengths">Per-sequence lengths (B), each in [1, T]; null when all are T.</param>
        /// <returns>output (B, T, dirs·H) (or time-first), h_n and c_n (layers·dirs, B, H).</returns>
        public (Tensor output, Tensor h_n, Tensor c_n) forward(Tensor input, (Tensor h0, Tensor c0)? h0_c0 = null, long[]? lengths = null)
        {
            long[]? checkedLengths = CheckLengths(input, lengths);
            if (UseFusedKernel && h0_c0 is null && Bias && input.device_type == DeviceType.CPU && input.dtype == ScalarType.Float32)
                return FusedForward(input, checkedLengths);
            IntPtr h0 = h0_c0?.h0.Pointer ?? IntPtr.Zero, c0 = h0_c0?.c0.Pointer ?? IntPtr.Zero;
            IntPtr[] weights = FlatWeights();
            int status = TS_NN_lstm(input.Handle, h0, c0, weights, weights.Length, Bias ? 1 : 0, NumLayers, DropoutP, training ? 1 : 0,
                Bidirectional ? 1 : 0, BatchFirst ? 1 : 0, checkedLengths, HiddenSize, out IntPtr output, out IntPtr hN, out IntPtr cN);
            GC.KeepAlive(h0_c0);
            KeepWeightsAlive();
            NativeError.Check(status);
            return (new Tensor(output), new Tensor(hN), new Tensor(cN));
        }

        /// <summary>
        /// Whether CPU float32 LSTMs without initial states run on the shim's fused kernel (one matrix
        /// product and one vectorised gate loop per step, its own backward) instead of libtorch's
        /// per-step graph. Same results to float rounding; on by default, off to compare with libtorch.
        /// </summary>
        public static bool UseFusedKernel { get; set; } = true;

        // Layer by layer on the fused kernel, with nn.LSTM's dropout between layers in training.
        private (Tensor output, Tensor h_n, Tensor c_n) FusedForward(Tensor input, long[]? lengths)
        {
            IntPtr[] all = FlatWeights();
            int perLayer = (Bidirectional ? 2 : 1) * 4;
            Tensor x = BatchFirst ? input : input.transpose(0, 1);                       // (B, T, I)
            var hs = new List<Tensor>();
            var cs = new List<Tensor>();
            for (int layer = 0; layer < NumLayers; layer++)
            {
                if (layer > 0 && training && DropoutP > 0) x = functional.dropout(x, DropoutP, training: true);
                int status = TS_NN_lstm_fused(x.Handle, lengths, all[(layer * perLayer)..((layer + 1) * perLayer)], Bidirectional ? 1 : 0,
                    out IntPtr output, out IntPtr hN, out IntPtr cN);
                KeepWeightsAlive();
                NativeError.Check(status);
                x = new Tensor(output);                                                      // (B, T, dirs*H)
                hs.Add(new Tensor(hN));
                cs.Add(new Tensor(cN));
            }
            Tensor h = hs.Count == 1 ? hs[0] : cat(hs, 0), c = cs.Count == 1 ? cs[0] : cat(cs, 0);
            return (BatchFirst ? x : x.transpose(0, 1), h, c);
        }

        /// <summary>Runs <see cref="forward"/>.</summary>
        public (Tensor output, Tensor h_n, Tensor c_n) call(Tensor input, (Tensor h0, Tensor c0)? h0_c0 = null, long[]? lengths = null) =>
            forward(input, h0_c0, lengths);
    }
}

namespace TorchBinding
{
    using TorchBinding.Modules;

    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>Creates an <see cref="Modules.LSTM"/>.</summary>
            public static LSTM LSTM(long input_size, long hidden_size, long num_layers = 1, bool bias = true, bool batch_first = false,
                double dropout = 0, bool bidirectional = false, Device? device = null, ScalarType? dtype = null) =>
                new(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, device, dtype);
        }
    }
}
