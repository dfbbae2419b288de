namespace TorchBinding;

public static partial class torch
{
    /// <summary>Optimizers and schedules, as <c>torch.optim</c>; the optimizer classes live in <see cref="Modules"/>.</summary>
    public static partial class optim
    {
        /// <summary>
        /// Parameters that share optimizer settings: e.g. BERT's LayerNorm and bias parameters with
        /// weight_decay 0, or a new head with its own learning rate. Unset options take the optimizer's defaults.
        /// </summary>
        public sealed class ParamGroup
        {
            /// <summary>Creates a group.</summary>
            public ParamGroup(IEnumerable<nn.Parameter> parameters, double? lr = null, double? weight_decay = null)
            {
                ArgumentNullException.ThrowIfNull(parameters);
                Parameters = parameters.ToList();
                RequestedLearningRate = lr;
                RequestedWeightDecay = weight_decay;
            }

            /// <summary>The parameters of the group.</summary>
            public IReadOnlyList<nn.Parameter> Parameters { get; }
            /// <summary>Current learning rate (schedulers change it).</summary>
            public double LearningRate { get; set; }
            /// <summary>The learning rate the group started with (schedulers scale it).</summary>
            public double InitialLearningRate { get; internal set; }
            /// <summary>Weight decay coefficient.</summary>
            public double WeightDecay { get; set; }
            internal double? RequestedLearningRate { get; }
            internal double? RequestedWeightDecay { get; }
        }

        /// <summary>
        /// Base of all optimizers. A subclass implements <see cref="step"/> with in-place tensor ops
        /// under <c>no_grad</c> (see <see cref="Modules.Adam"/>); per-parameter state lives in <see cref="State"/>.
        /// </summary>
        public abstract class Optimizer : IDisposable
        {
            private readonly List<ParamGroup> groups;
            private bool disposed;

            /// <summary>Creates the optimizer over groups, filling unset options from the defaults.</summary>
            protected Optimizer(IEnumerable<ParamGroup> param_groups, double lr, double weight_decay)
            {
                ArgumentNullException.ThrowIfNull(param_groups);
                if (lr < 0) throw new ArgumentOutOfRangeException(nameof(lr), $"Invalid learning rate: {lr}");
                groups = param_groups.ToList();
                if (groups.Count == 0 || groups.All(g => g.Parameters.Count == 0)) throw new ArgumentException("optimizer got an empty parameter list", nameof(param_groups));
                var seen = new HashSet<nn.Parameter>(ReferenceEqualityComparer.Instance);
                foreach (ParamGroup g in groups)
                {
                    g.LearningRate = g.InitialLearningRate = g.RequestedLearningRate ?? lr;
                    g.WeightDecay = g.RequestedWeightDecay ?? weight_decay;
                    foreach (nn.Parameter p in g.Parameters)
                        if (!seen.Add(p)) throw new ArgumentException("some parameters appear in more than one parameter group", nameof(param_groups));
                }
            }

            /// <summary>The parameter groups, in order.</summary>
            public IReadOnlyList<ParamGroup> ParamGroups => groups;

            /// <summary>Per-parameter state tensors by parameter and name (e.g. "exp_avg").</summary>
            protected Dictionary<nn.Parameter, Dictionary<string, Tensor>> State { get; } = new(ReferenceEqualityComparer.Instance);

            /// <summary>Optimizer steps taken.</summary>
            public long StepCount { get; protected set; }

            /// <summary>Updates every parameter that has a gradient.</summary>
            public abstract void step();

            /// <summary>Sets every parameter's gradient to None.</summary>
            public void zero_grad()
            {
                foreach (ParamGroup g in groups)
                    foreach (nn.Parameter p in g.Parameters)
                        Interop.NativeError.Check(Interop.NativeMethods.TS_Tensor_clear_grad(p.Handle));
            }

            /// <summary>The state tensor <paramref name="name"/> of <paramref name="p"/>, created as zeros on first use.</summary>
            protected Tensor StateTensor(nn.Parameter p, string name)
            {
                ArgumentNullException.ThrowIfNull(p);
                if (!State.TryGetValue(p, out var entries)) State[p] = entries = new Dictionary<string, Tensor>();
                if (!entries.TryGetValue(name, out Tensor? t))
                {
                    using (no_grad()) t = zeros_like(p).DetachFromDisposeScope();
                    entries[name] = t;
                }
                return t;
            }

            /// <summary>All state tensors by "groupIndex.paramIndex.name", for checkpoints.</summary>
            public Dictionary<string, Tensor> state_dict()
            {
                var result = new Dictionary<string, Tensor>();
                for (int gi = 0; gi < groups.Count; gi++)
                    for (int pi = 0; pi < groups[gi].Parameters.Count; pi++)
                        if (State.TryGetValue(groups[gi].Parameters[pi], out var entries))
                            foreach (var (name, t) in entries) result[$"{gi}.{pi}.{name}"] = t;
                return result;
            }

            /// <summary>Restores state saved by <see cref="state_dict"/> (shapes must match) and the step count.</summary>
            public void load_state_dict(IReadOnlyDictionary<string, Tensor> state, long stepCount)
            {
                ArgumentNullException.ThrowIfNull(state);
                foreach (var (key, value) in state)
                {
                    string[] parts = key.Split('.', 3);
                    if (parts.Length != 3 || !int.TryParse(parts[0], out int gi) || !int.TryParse(parts[1], out int pi) || gi >= groups.Count || pi >= groups[gi].Parameters.Count)
                        throw new InvalidDataException($"optimizer state key '{key}' does not name a parameter of this optimizer");
                    Tensor target = StateTensor(groups[gi].Parameters[pi], parts[2]);
                    if (!target.shape.SequenceEqual(value.shape))
                        throw new InvalidDataException($"optimizer state '{key}' has shape [{string.Join(", ", value.shape)}], expected [{string.Join(", ", target.shape)}]");
                    using (no_grad()) target.copy_(value);
                }
                StepCount = stepCount;
            }

            /// <summary>Releases the state tensors.</summary>
            public void Dispose()
            {
                Dispose(true);
                GC.SuppressFinalize(this);
            }

            /// <summary>Releases the state tensors.</summary>
            protected virtual void Dispose(bool disposing)
            {
                if (disposed || !disposing) return;
                disposed = true;
                foreach (var entries in State.Values)
                    foreach (Tensor t in entries.Values) t.Dispose();
                State.Clear();
            }

            internal static IEnumerable<ParamGroup> OneGroup(IEnumerable<nn.Parameter> parameters) => [new ParamGroup(parameters)];
        }
    }
}
