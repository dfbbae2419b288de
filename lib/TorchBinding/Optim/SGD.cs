using static TorchBinding.torch.nn;
using static TorchBinding.torch.optim;
using static TorchBinding.torch;

namespace TorchBinding.Modules
{
    /// <summary>Stochastic gradient descent with optional momentum, dampening, Nesterov and L2 weight decay (PyTorch's update).</summary>
    public sealed class SGD : Optimizer
    {
        /// <summary>Creates the optimizer.</summary>
        public SGD(IEnumerable<ParamGroup> param_groups, double lr, double momentum = 0, double dampening = 0, double weight_decay = 0, bool nesterov = false)
            : base(param_groups, lr, weight_decay)
        {
            if (nesterov && (momentum <= 0 || dampening != 0)) throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening");
            Momentum = momentum; Dampening = dampening; Nesterov = nesterov;
        }

        /// <summary>Momentum factor.</summary>
        public double Momentum { get; }
        /// <summary>Dampening of the momentum.</summary>
        public double Dampening { get; }
        /// <summary>Nesterov momentum.</summary>
        public bool Nesterov { get; }

        /// <inheritdoc/>
        public override void step()
        {
            StepCount++;
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            foreach (ParamGroup g in ParamGroups)
            {
                foreach (nn.Parameter p in g.Parameters)
                {
                    Tensor? d = p.grad;
                    if (d is null) continue;
                    if (g.WeightDecay != 0) d = d.add(p, g.WeightDecay);
                    if (Momentum != 0)
                    {
                        bool first = !State.TryGetValue(p, out var entries) || !entries.ContainsKey("momentum_buffer");
                        Tensor buf = StateTensor(p, "momentum_buffer");
                        if (first) buf.copy_(d);
                        else buf.mul_(Momentum).add_(d, 1 - Dampening);
                        d = Nesterov ? d.add(buf, Momentum) : buf;
                    }
                    p.add_(d, -g.LearningRate);
                }
            }
        }
    }
}

namespace TorchBinding
{
    using TorchBinding.Modules;

    public static partial class torch
    {
        public static partial class optim
        {
            /// <summary>Creates <see cref="Modules.SGD"/> over one group of parameters.</summary>
            public static SGD SGD(IEnumerable<nn.Parameter> parameters, double lr, double momentum = 0, double dampening = 0, double weight_decay = 0, bool nesterov = false) =>
                new(Optimizer.OneGroup(parameters), lr, momentum, dampening, weight_decay, nesterov);
        }
    }
}
