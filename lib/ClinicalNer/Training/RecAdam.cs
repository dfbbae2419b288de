using TorchBinding;
using static TorchBinding.torch;
using static TorchBinding.torch.optim;

namespace ClinicalNer.Training;

/// <summary>RecAdam's annealing and pull (Chen et al. 2020, "Recall and Learn"); paper 3 uses k = 0.01, t0 = 1000.</summary>
/// <param name="K">Steepness k of the sigmoid λ(t) = 1 / (1 + exp(−k (t − t0))).</param>
/// <param name="T0">The step t0 at which λ = 1/2.</param>
/// <param name="Coefficient">Strength of the pull toward the pretrained weights (the reference's pretrain_cof, 5000).</param>
public sealed record RecAdamOptions(double K = 0.01, double T0 = 1000, double Coefficient = 5000)
{
    /// <summary>λ at optimizer step <paramref name="step"/> (1-based): the share of the Adam step taken.</summary>
    public double Lambda(long step) => 1.0 / (1.0 + Math.Exp(-K * (step - T0)));
}

/// <summary>
/// RecAdam: AdamW in which each pretrained parameter takes λ(t) of the Adam step and is pulled toward its value at the
/// start of fine-tuning with strength lr · (1 − λ(t)) · coefficient, so the model recalls its pretraining early and
/// learns the task later; parameters that are not pretrained (a new head) take plain AdamW steps. The pretrained values
/// are optimizer state ("pretrained"), saved and restored with the moments, so a resumed run pulls toward the same point.
/// Two details follow PyTorch's AdamW rather than the reference code, so that λ ≡ 1 is exactly AdamW: the decoupled weight
/// decay is applied before the step, and ε is added to √v̂ (the reference decays after the step and adds ε to √v); both
/// differences are of the order of lr² · decay and ε.
/// </summary>
public sealed class RecAdam : Optimizer
{
    private const string Pretrained = "pretrained";
    private readonly HashSet<nn.Parameter> anchored = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates the optimizer; <paramref name="pretrained"/> are the parameters pulled toward their current values.</summary>
    public RecAdam(IEnumerable<ParamGroup> paramGroups, IEnumerable<nn.Parameter> pretrained, RecAdamOptions? recall = null, double lr = 1e-3,
        double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0.01) : base(paramGroups, lr, weightDecay)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), $"Invalid beta parameter at index 0: {beta1}");
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), $"Invalid beta parameter at index 1: {beta2}");
        Recall = recall ?? new RecAdamOptions();
        if (Recall.Coefficient < 0) throw new ArgumentOutOfRangeException(nameof(recall), $"RecAdam coefficient {Recall.Coefficient} is negative");
        (Beta1, Beta2, Eps) = (beta1, beta2, eps);
        var optimized = ParamGroups.SelectMany(g => g.Parameters).ToHashSet(ReferenceEqualityComparer.Instance);
        using var _ = no_grad();
        foreach (var p in pretrained)
        {
            if (!optimized.Contains(p)) throw new ArgumentException("a pretrained parameter is in none of the optimizer's groups", nameof(pretrained));
            anchored.Add(p);
            StateTensor(p, Pretrained).copy_(p);
        }
    }

    /// <summary>The annealing schedule and pull strength.</summary>
    public RecAdamOptions Recall { get; }
    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }
    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }
    /// <summary>Added to the denominator.</summary>
    public double Eps { get; }

    /// <summary>Parameters pulled toward their pretrained values.</summary>
    public int PretrainedCount => anchored.Count;

    /// <summary>Σ |p − p₀| of the pretrained parameters from their pretrained values (the distance of the paper's Figure 7).</summary>
    public double DistanceFromPretrained()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        double sum = 0;
        foreach (var p in anchored) sum += p.sub(State[p][Pretrained]).abs().sum().to_type(ScalarType.Float64).item<double>();
        return sum;
    }

    /// <inheritdoc/>
    public override void step()
    {
        StepCount++;
        double bc1 = 1 - Math.Pow(Beta1, StepCount), bc2 = 1 - Math.Pow(Beta2, StepCount);
        double lambda = Recall.Lambda(StepCount);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (ParamGroup g in ParamGroups)
            foreach (nn.Parameter p in g.Parameters)
            {
                Tensor? grad = p.grad;
                if (grad is null) continue;
                Tensor m = StateTensor(p, "exp_avg"), v = StateTensor(p, "exp_avg_sq");
                if (g.WeightDecay != 0) p.mul_(1 - g.LearningRate * g.WeightDecay);
                m.mul_(Beta1).add_(grad, 1 - Beta1);
                v.mul_(Beta2).addcmul_(grad, grad, 1 - Beta2);
                Tensor denom = v.sqrt().div_(Math.Sqrt(bc2)).add_(Eps);
                if (!anchored.Contains(p))
                {
                    p.addcdiv_(m, denom, -g.LearningRate / bc1);
                    continue;
                }
                p.addcdiv_(m, denom, -g.LearningRate / bc1 * lambda);
                double pull = g.LearningRate * (1 - lambda) * Recall.Coefficient;
                if (pull != 0) p.add_(p.sub(State[p][Pretrained]), -pull);
            }
    }
}
