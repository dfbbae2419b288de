using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;
using static TorchBinding.torch.nn;
using static TorchBinding.torch.optim;
using static TorchBinding.torch;

namespace TorchBinding.Modules
{
    /// <summary>
    /// Adam (Kingma and Ba, 2015) with PyTorch's update order and bias correction; with
    /// <c>decoupled</c> weight decay it is AdamW (Loshchilov and Hutter, 2019).
    /// </summary>
    public class Adam : Optimizer
    {
        /// <summary>Creates the optimizer.</summary>
        public Adam(IEnumerable<ParamGroup> param_groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
            double weight_decay = 0, bool decoupled_weight_decay = false) : base(param_groups, lr, weight_decay)
        {
            if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), $"Invalid beta parameter at index 0: {beta1}");
            if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), $"Invalid beta parameter at index 1: {beta2}");
            if (eps < 0) throw new ArgumentOutOfRangeException(nameof(eps), $"Invalid epsilon value: {eps}");
            Beta1 = beta1; Beta2 = beta2; Eps = eps; Decoupled = decoupled_weight_decay;
        }

        /// <summary>Decay of the first moment.</summary>
        public double Beta1 { get; }
        /// <summary>Decay of the second moment.</summary>
        public double Beta2 { get; }
        /// <summary>Added to the denominator.</summary>
        public double Eps { get; }
        /// <summary>AdamW's decoupled weight decay instead of L2 in the gradient.</summary>
        public bool Decoupled { get; }

        /// <inheritdoc/>
        public override void step()
        {
            StepCount++;
            double bc1 = 1 - Math.Pow(Beta1, StepCount), bc2 = 1 - Math.Pow(Beta2, StepCount);
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            foreach (ParamGroup g in ParamGroups)
            {
                // CPU float32 parameters take the shim's one-pass kernel (same arithmetic, one sweep instead of seven);
                // the rest (other dtypes or devices) the element-wise ops below.
                var fused = new List<Tensor>[] { new(), new(), new(), new() };
                foreach (nn.Parameter p in g.Parameters)
                {
                    Tensor? grad = p.grad;
                    if (grad is null) continue;
                    Tensor m = StateTensor(p, "exp_avg"), v = StateTensor(p, "exp_avg_sq");
                    if (backends.fused.Adam && Fusable(p, grad, m, v))
                    {
                        fused[0].Add(p); fused[1].Add(grad); fused[2].Add(m); fused[3].Add(v);
                        continue;
                    }
                    if (g.WeightDecay != 0)
                    {
                        if (Decoupled) p.mul_(1 - g.LearningRate * g.WeightDecay);
                        else grad = grad.add(p, g.WeightDecay);
                    }
                    m.mul_(Beta1).add_(grad, 1 - Beta1);
                    v.mul_(Beta2).addcmul_(grad, grad, 1 - Beta2);
                    Tensor denom = v.sqrt().div_(Math.Sqrt(bc2)).add_(Eps);
                    p.addcdiv_(m, denom, -g.LearningRate / bc1);
                }
                if (fused[0].Count > 0)
                {
                    NativeError.Check(TS_Optim_adam_step(Pointers(fused[0]), Pointers(fused[1]), Pointers(fused[2]),
                        Pointers(fused[3]), fused[0].Count, g.LearningRate, Beta1, Beta2, Eps, g.WeightDecay, Decoupled ? 1 : 0, bc1, bc2));
                    GC.KeepAlive(fused);
                }
            }
        }

        private static bool Fusable(Tensor p, Tensor grad, Tensor m, Tensor v)
        {
            int answer = TS_Optim_adam_fusable(p.Handle, grad.Handle, m.Handle, v.Handle);
            if (answer < 0) NativeError.Throw();
            return answer == 1;
        }
    }

    /// <summary>AdamW: Adam with decoupled weight decay (default 0.01, as PyTorch).</summary>
    public sealed class AdamW : Adam
    {
        /// <summary>Creates the optimizer over parameter groups.</summary>
        public AdamW(IEnumerable<ParamGroup> param_groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
            double weight_decay = 0.01) : base(param_groups, lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay: true) { }
    }
}

namespace TorchBinding
{
    using TorchBinding.Modules;

    public static partial class torch
    {
        public static partial class optim
        {
            /// <summary>Creates <see cref="Modules.Adam"/> over one group of parameters.</summary>
            public static Adam Adam(IEnumerable<nn.Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0) =>
                new(Optimizer.OneGroup(parameters), lr, beta1, beta2, eps, weight_decay);

            /// <summary>Creates <see cref="Modules.AdamW"/> over one group of parameters.</summary>
            public static AdamW AdamW(IEnumerable<nn.Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0.01) =>
                new(Optimizer.OneGroup(parameters), lr, beta1, beta2, eps, weight_decay);

            /// <summary>Creates <see cref="Modules.AdamW"/> over parameter groups.</summary>
            public static AdamW AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0.01) =>
                new(groups, lr, beta1, beta2, eps, weight_decay);
        }
    }
}
