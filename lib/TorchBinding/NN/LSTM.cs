using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;
using static TorchBinding.torch.nn;
using static TorchBinding.torch;

namespace TorchBinding.Modules
{
    /// <summary>
    /// Multi-layer (bi)LSTM: on CPU float32 without initial states it runs the shim's fused kernel
    /// (<see cref="torch.backends.fused"/>), otherwise libtorch's own. With <c>lengths</c>, each sequence of a
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
            if (backends.fused.Lstm && h0_c0 is null && Bias && input.device_type == DeviceType.CPU && FusedDtype(input))
                return FusedForward(AsFloat32(input), checkedLengths);
            IntPtr h0 = h0_c0?.h0.Pointer ?? IntPtr.Zero, c0 = h0_c0?.c0.Pointer ?? IntPtr.Zero;
            IntPtr[] weights = FlatWeights();
            int status = TS_NN_lstm(input.Handle, h0, c0, weights, weights.Length, Bias ? 1 : 0, NumLayers, DropoutP, training ? 1 : 0,
                Bidirectional ? 1 : 0, BatchFirst ? 1 : 0, checkedLengths, HiddenSize, out IntPtr output, out IntPtr hN, out IntPtr cN);
            GC.KeepAlive(h0_c0);
            KeepWeightsAlive();
            NativeError.Check(status);
            return (new Tensor(output), new Tensor(hN), new Tensor(cN));
        }

        private (Tensor output, Tensor h_n, Tensor c_n) FusedForward(Tensor input, long[]? lengths)
        {
            var (x, states) = FusedLayers(BatchFirst ? input : input.transpose(0, 1), 0, (layerInput, weights) => FusedLayer(layerInput, weights, lengths));
            return (BatchFirst ? x : x.transpose(0, 1), states[0], states[1]);
        }

        // One layer on the fused kernel: output (B, T, dirs*H) and [h_n, c_n].
        internal (Tensor output, Tensor[] states) FusedLayer(Tensor x, IntPtr[] weights, long[]? lengths)
        {
            int status = TS_NN_lstm_fused(x.Handle, lengths, weights, Bidirectional ? 1 : 0, out IntPtr output, out IntPtr hN, out IntPtr cN);
            NativeError.Check(status);
            return (new Tensor(output), [new Tensor(hN), new Tensor(cN)]);
        }

        private static readonly string[] OneDirection = ["_l0"], BothDirections = ["_l0", "_l0_reverse"];

        // Parameter-name suffixes of the first layer's directions.
        internal string[] FirstLayerSuffixes => Bidirectional ? BothDirections : OneDirection;

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
