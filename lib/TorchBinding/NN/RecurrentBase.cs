using static TorchBinding.torch.nn;
using static TorchBinding.torch;

namespace TorchBinding.Modules
{
    /// <summary>
    /// Parameters shared by <see cref="LSTM"/> and <see cref="GRU"/>, named as PyTorch names them
    /// (<c>weight_ih_l0</c>, <c>weight_hh_l0_reverse</c>, ...) so state dicts interchange.
    /// </summary>
    public abstract class RecurrentBase : Module
    {
        private readonly List<Parameter> flat = new();

        /// <summary>
        /// Whether the fused CPU kernels take this input: float32, or bfloat16 inside a CPU autocast region, which they run
        /// in float32 (<see cref="AsFloat32"/>): the recurrence is a chain of small products that bfloat16 would not speed
        /// up, and its rounding would compound over the steps.
        /// </summary>
        protected static bool FusedDtype(Tensor input) =>
            input.dtype == ScalarType.Float32 || (input.dtype == ScalarType.BFloat16 && is_autocast_cpu_enabled());

        /// <summary>The input in float32 for the fused kernels (itself when it already is).</summary>
        protected static Tensor AsFloat32(Tensor input) => input.dtype == ScalarType.Float32 ? input : input.to_type(ScalarType.Float32);

        /// <summary>Creates gates × hidden_size weights per layer and direction, U(-1/√H, 1/√H).</summary>
        protected RecurrentBase(string name, int gates, long input_size, long hidden_size, long num_layers, bool bias, bool batch_first,
            double dropout, bool bidirectional, Device? device, ScalarType? dtype) : base(name)
        {
            if (num_layers < 1) throw new ArgumentOutOfRangeException(nameof(num_layers), "num_layers must be at least 1");
            if (dropout < 0 || dropout > 1) throw new ArgumentOutOfRangeException(nameof(dropout), "dropout must be in [0, 1]");
            InputSize = input_size; HiddenSize = hidden_size; NumLayers = num_layers; Bias = bias;
            BatchFirst = batch_first; DropoutP = dropout; Bidirectional = bidirectional;
            double bound = 1.0 / Math.Sqrt(hidden_size);
            int directions = bidirectional ? 2 : 1;
            using (no_grad())
            {
                for (long layer = 0; layer < num_layers; layer++)
                {
                    long layerInput = layer == 0 ? input_size : hidden_size * directions;
                    for (int d = 0; d < directions; d++)
                    {
                        string suffix = $"_l{layer}" + (d == 1 ? "_reverse" : "");
                        Add("weight_ih" + suffix, [gates * hidden_size, layerInput]);
                        Add("weight_hh" + suffix, [gates * hidden_size, hidden_size]);
                        if (bias)
                        {
                            Add("bias_ih" + suffix, [gates * hidden_size]);
                            Add("bias_hh" + suffix, [gates * hidden_size]);
                        }
                    }
                }
            }

            void Add(string key, long[] shape)
            {
                using Tensor init = empty(shape, dtype, device).uniform_(-bound, bound);
                var p = new Parameter(init);
                register_parameter(key, p);
                flat.Add(p);
            }
        }

        /// <summary>Features per input step.</summary>
        public long InputSize { get; }
        /// <summary>Hidden units per direction.</summary>
        public long HiddenSize { get; }
        /// <summary>Stacked layers.</summary>
        public long NumLayers { get; }
        /// <summary>Whether gates have biases.</summary>
        public bool Bias { get; }
        /// <summary>Input and output are (B, T, *) rather than (T, B, *).</summary>
        public bool BatchFirst { get; }
        /// <summary>Dropout between stacked layers (training only).</summary>
        public double DropoutP { get; }
        /// <summary>Runs a second, reversed direction and concatenates.</summary>
        public bool Bidirectional { get; }

        /// <summary>The parameters in libtorch's flat order (per layer, per direction: w_ih, w_hh, b_ih, b_hh).</summary>
        internal IntPtr[] FlatWeights() => flat.Select(p => p.Pointer).ToArray();

        /// <summary>Keeps the flat weights alive across a native call.</summary>
        internal void KeepWeightsAlive() => GC.KeepAlive(flat);

        /// <summary>Checks the optional lengths against the batch size and the time dimension.</summary>
        protected long[]? CheckLengths(Tensor input, long[]? lengths)
        {
            if (lengths is null) return null;
            long[] shape = input.shape;
            if (shape.Length != 3) throw new ArgumentException($"{Name}: expected a 3-D input, got shape [{string.Join(", ", shape)}]", nameof(input));
            long batch = BatchFirst ? shape[0] : shape[1], time = BatchFirst ? shape[1] : shape[0];
            if (lengths.Length != batch) throw new ArgumentException($"{Name}: {lengths.Length} lengths for a batch of {batch}", nameof(lengths));
            foreach (long l in lengths)
                if (l < 1 || l > time) throw new ArgumentException($"{Name}: length {l} is outside [1, {time}]", nameof(lengths));
            return lengths;
        }

        /// <summary>
        /// Layers from <paramref name="from"/> on, each through <paramref name="runLayer"/> (one fused native call on
        /// batch-first input and that layer's flat weights, returning the output and its final states), with dropout
        /// between layers in training as nn.LSTM/nn.GRU do. x is (B, T, I), the output batch-first too. Each kind of
        /// final state (h; or h and c) comes back concatenated over layers, after <paramref name="earlier"/> ones.
        /// </summary>
        internal (Tensor output, Tensor[] states) FusedLayers(Tensor x, int from, Func<Tensor, IntPtr[], (Tensor output, Tensor[] states)> runLayer,
            Tensor[]? earlier = null)
        {
            IntPtr[] all = FlatWeights();
            int perLayer = all.Length / (int)NumLayers;
            var states = new List<List<Tensor>>();
            for (int layer = from; layer < NumLayers; layer++)
            {
                if (layer > 0 && training && DropoutP > 0) x = functional.dropout(x, DropoutP, training: true);
                var (output, final) = runLayer(x, all[(layer * perLayer)..((layer + 1) * perLayer)]);
                KeepWeightsAlive();
                x = output;                                                                    // (B, T, dirs*H)
                for (int k = 0; k < final.Length; k++)
                {
                    if (states.Count == k) states.Add(earlier is null ? [] : [earlier[k]]);
                    states[k].Add(final[k]);
                }
            }
            return (x, states.Select(list => list.Count == 1 ? list[0] : cat(list, 0)).ToArray());
        }

        /// <inheritdoc/>
        protected override string ExtraRepr() =>
            $"{InputSize}, {HiddenSize}" + (NumLayers != 1 ? $", num_layers={NumLayers}" : "") + (BatchFirst ? ", batch_first=True" : "") +
            (DropoutP != 0 ? $", dropout={DropoutP}" : "") + (Bidirectional ? ", bidirectional=True" : "");
    }
}
