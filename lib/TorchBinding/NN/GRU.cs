using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;
using static TorchBinding.torch.nn;
using static TorchBinding.torch;

namespace TorchBinding.Modules
{
    /// <summary>
    /// Multi-layer (bi)GRU: on CPU float32 without initial states it runs the shim's fused kernel
    /// (<see cref="torch.backends.fused"/>), otherwise libtorch's own; <c>lengths</c> as for <see cref="LSTM"/>.
    /// </summary>
    public sealed class GRU : RecurrentBase
    {
        /// <summary>Creates the layer.</summary>
        public GRU(long input_size, long hidden_size, long num_layers = 1, bool bias = true, bool batch_first = false,
            double dropout = 0, bool bidirectional = false, Device? device = null, ScalarType? dtype = null)
            : base(nameof(GRU), 3, input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, device, dtype) { }

        /// <summary>Runs the GRU.</summary>
        /// <param name="input">(B, T, I) when batch_first, else (T, B, I).</param>
        /// <param name="h0">Initial state (layers·dirs, B, H); zeros when null.</param>
        /// <param name="lengths">Per-sequence lengths (B), each in [1, T]; null when all are T.</param>
        /// <returns>output (B, T, dirs·H) (or time-first) and h_n (layers·dirs, B, H).</returns>
        public (Tensor output, Tensor h_n) forward(Tensor input, Tensor? h0 = null, long[]? lengths = null)
        {
            long[]? checkedLengths = CheckLengths(input, lengths);
            if (backends.fused.Gru && h0 is null && Bias && input.device_type == DeviceType.CPU && FusedDtype(input))
            {
                var fused = AsFloat32(input);
                var (x, states) = FusedLayers(BatchFirst ? fused : fused.transpose(0, 1), 0, (layerInput, layerWeights) =>
                {
                    int fusedStatus = TS_NN_gru_fused(layerInput.Handle, checkedLengths, layerWeights, Bidirectional ? 1 : 0, out IntPtr output, out IntPtr hN);
                    NativeError.Check(fusedStatus);
                    return (new Tensor(output), [new Tensor(hN)]);
                });
                return (BatchFirst ? x : x.transpose(0, 1), states[0]);
            }
            IntPtr[] weights = FlatWeights();
            int status = TS_NN_gru(input.Handle, h0?.Pointer ?? IntPtr.Zero, weights, weights.Length, Bias ? 1 : 0, NumLayers, DropoutP,
                training ? 1 : 0, Bidirectional ? 1 : 0, BatchFirst ? 1 : 0, checkedLengths, HiddenSize, out IntPtr output, out IntPtr hN);
            GC.KeepAlive(h0);
            KeepWeightsAlive();
            NativeError.Check(status);
            return (new Tensor(output), new Tensor(hN));
        }

        /// <summary>Runs <see cref="forward"/>.</summary>
        public (Tensor output, Tensor h_n) call(Tensor input, Tensor? h0 = null, long[]? lengths = null) => forward(input, h0, lengths);
    }
}

namespace TorchBinding
{
    using TorchBinding.Modules;

    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>Creates an <see cref="Modules.GRU"/>.</summary>
            public static GRU GRU(long input_size, long hidden_size, long num_layers = 1, bool bias = true, bool batch_first = false,
                double dropout = 0, bool bidirectional = false, Device? device = null, ScalarType? dtype = null) =>
                new(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, device, dtype);
        }
    }
}
