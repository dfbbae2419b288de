using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Training;

/// <summary>
/// Adversarial training by the fast gradient method on the input embeddings (Miyato, Dai and Goodfellow, 2017: adversarial
/// training for text). After the clean backward pass each embedding table moves by ε·g/‖g‖ along its own gradient g, the
/// caller takes the loss there and adds its gradient to the clean one, and <see cref="Restore"/> puts the tables back, bit
/// for bit, before the optimizer steps. The step so descends the loss both at the embeddings and at their worst nearby
/// point (to first order), at the cost of one more forward and backward pass.
/// </summary>
public sealed class AdversarialPerturbation : IDisposable
{
    private readonly IReadOnlyList<nn.Parameter> tables;
    private readonly double epsilon;
    private readonly List<(nn.Parameter Table, Tensor Saved)> moved = [];

    /// <summary>Perturbs <paramref name="tables"/> by steps of norm <paramref name="epsilon"/> (each table its own step).</summary>
    public AdversarialPerturbation(IReadOnlyList<nn.Parameter> tables, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(tables);
        if (!(epsilon > 0) || !double.IsFinite(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "the perturbation's norm must be a positive number");
        if (tables.Count == 0) throw new ArgumentException("adversarial training perturbs input embedding tables, and this model has none", nameof(tables));
        this.tables = tables;
        this.epsilon = epsilon;
    }

    /// <summary>
    /// Moves every table that has a nonzero, finite gradient by ε·g/‖g‖ and keeps its values for <see cref="Restore"/>.
    /// Call after the clean backward pass.
    /// </summary>
    public void Perturb()
    {
        if (moved.Count > 0) throw new InvalidOperationException("the embeddings are already perturbed; restore them first");
        using var _ = no_grad();
        foreach (var table in tables)
        {
            using var gradient = table.grad;
            if (gradient is null) continue;                                      // not used by this batch's inputs
            double norm;
            using (var length = gradient.norm()) norm = length.item<float>();
            if (!(norm > 0) || !double.IsFinite(norm)) continue;                // nothing to follow, or a diverging step the trainer reports
            using (var values = table.detach()) moved.Add((table, values.clone().DetachFromDisposeScope()));
            table.add_(gradient, alpha: epsilon / norm);
        }
    }

    /// <summary>Puts back the values the tables had before <see cref="Perturb"/> (copies, so no rounding of a subtraction).</summary>
    public void Restore()
    {
        using var _ = no_grad();
        foreach (var (table, saved) in moved)
        {
            table.copy_(saved);
            saved.Dispose();
        }
        moved.Clear();
    }

    /// <inheritdoc/>
    public void Dispose() => Restore();
}
