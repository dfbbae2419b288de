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
            if (backends.fused.Lstm && h0_c0 is null && Bias && input.device_type == DeviceType.CPU && input.dtype == ScalarType.Float32)
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

        private (Tensor output, Tensor h_n, Tensor c_n) FusedForward(Tensor input, long[]? lengths)
        {
            var (x, states) = FusedLayers(BatchFirst ? input : input.transpose(0, 1), 0, (layerInput, weights) => FusedLayer(layerInput, weights, lengths));
            return (BatchFirst ? x : x.transpose(0, 1), states[0], states[1]);
        }

        // One layer on the fused kernel: output (B, T, dirs*H) and [h_n, c_n].
        private (Tensor output, Tensor[] states) FusedLayer(Tensor x, IntPtr[] weights, long[]? lengths)
        {
            int status = TS_NN_lstm_fused(x.Handle, lengths, weights, Bidirectional ? 1 : 0, out IntPtr output, out IntPtr hN, out IntPtr cN);
            NativeError.Check(status);
            return (new Tensor(output), [new Tensor(hN), new Tensor(cN)]);
        }

        /// <summary>
        /// Input-gate tables for a first layer whose input is a concatenation of embedding lookups
        /// [E₁[i₁]; E₂[i₂]; ...] (the tables' widths summing to <see cref="RecurrentBase.InputSize"/>): per direction
        /// d and input k, Eₖ·W_ih,d[:, columns of k]ᵀ, both biases added to k = 0's, so that
        /// W_ih·[E₁[i₁]; ...] + b = Σₖ tableₖ[iₖ]. Once computed, every step's input projection is a row lookup
        /// (<see cref="forward_embedded"/>): for inference with fixed weights. The result is direction-major and owned
        /// by the caller (detached from any dispose scope).
        /// </summary>
        public Tensor[] input_gate_tables(IReadOnlyList<Tensor> embedding_weights)
        {
            ArgumentNullException.ThrowIfNull(embedding_weights);
            long width = embedding_weights.Sum(w => w.ndim == 2 ? w.size(1) : throw new ArgumentException($"{Name}: embedding weights must be 2-D, got [{string.Join(", ", w.shape)}]"));
            if (width != InputSize) throw new ArgumentException($"{Name}: the embeddings are {width} wide together, the first layer takes {InputSize}");
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var tables = new List<Tensor>();
            var named = named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (string suffix in FirstLayerSuffixes)
            {
                Tensor w_ih = named["weight_ih" + suffix];
                long column = 0;
                for (int k = 0; k < embedding_weights.Count; k++)
                {
                    long e = embedding_weights[k].size(1);
                    Tensor table = matmul(embedding_weights[k], w_ih.narrow(1, column, e).t());   // (V_k, 4H)
                    if (k == 0 && Bias) table = table + named["bias_ih" + suffix] + named["bias_hh" + suffix];
                    tables.Add(table.contiguous());
                    column += e;
                }
            }
            foreach (var t in tables) t.DetachFromDisposeScope();
            return tables.ToArray();
        }

        /// <summary>
        /// Runs the LSTM on embedding ids with tables from <see cref="input_gate_tables"/> (CPU float32, zero initial
        /// states; inference only: no gradient flows to the tables or the weights). Same results as <see cref="forward"/>
        /// on the concatenated embeddings, to float rounding; layers after the first run as in <see cref="forward"/>.
        /// </summary>
        /// <param name="ids">One (B, T) int64 id tensor per embedding, in the order the tables were made.</param>
        /// <param name="tables">The tables from <see cref="input_gate_tables"/>.</param>
        /// <param name="lengths">Per-sequence lengths (B), each in [1, T]; null when all are T.</param>
        /// <returns>As <see cref="forward"/>.</returns>
        public (Tensor output, Tensor h_n, Tensor c_n) forward_embedded(IReadOnlyList<Tensor> ids, Tensor[] tables, long[]? lengths = null)
        {
            ArgumentNullException.ThrowIfNull(ids);
            ArgumentNullException.ThrowIfNull(tables);
            int directions = Bidirectional ? 2 : 1;
            if (ids.Count == 0 || tables.Length != ids.Count * directions)
                throw new ArgumentException($"{Name}: {tables.Length} tables for {ids.Count} id tensors and {directions} direction(s)");
            if (ids[0].ndim != 2) throw new ArgumentException($"{Name}: ids must be (batch, time), got [{string.Join(", ", ids[0].shape)}]", nameof(ids));
            long batch = ids[0].size(0);
            if (lengths is not null && lengths.Length != batch) throw new ArgumentException($"{Name}: {lengths.Length} lengths for a batch of {batch}", nameof(lengths));
            var named = named_parameters().ToDictionary(p => p.name, p => p.parameter);
            IntPtr[] w_hh = FirstLayerSuffixes.Select(suffix => named["weight_hh" + suffix].Pointer).ToArray();
            int status = TS_NN_lstm_fused_gathered(ids.Select(t => t.Pointer).ToArray(), ids.Count, tables.Select(t => t.Pointer).ToArray(), lengths,
                w_hh, Bidirectional ? 1 : 0, out IntPtr output, out IntPtr hN, out IntPtr cN);
            GC.KeepAlive(ids);
            GC.KeepAlive(tables);
            KeepWeightsAlive();
            NativeError.Check(status);
            Tensor x = new(output), h = new(hN), c = new(cN);                                 // layer 0; x is (B, T, dirs*H)
            if (NumLayers > 1)
            {
                var (rest, states) = FusedLayers(x, 1, (layerInput, weights) => FusedLayer(layerInput, weights, lengths), [h, c]);
                (x, h, c) = (rest, states[0], states[1]);
            }
            return (BatchFirst ? x : x.transpose(0, 1), h, c);
        }

        private static readonly string[] OneDirection = ["_l0"], BothDirections = ["_l0", "_l0_reverse"];

        // Parameter-name suffixes of the first layer's directions.
        private string[] FirstLayerSuffixes => Bidirectional ? BothDirections : OneDirection;

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
