using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Training;

/// <summary>
/// How far parameters have moved from a snapshot: the sum over every element of |p − p₀| (the distance paper 3's Figure 7
/// plots between the fine-tuned BERT and the pretrained one, for several RecAdam k).
/// </summary>
public sealed class ParameterDrift : IDisposable
{
    private readonly List<(nn.Parameter Parameter, Tensor Start)> pairs;

    /// <summary>Snapshots <paramref name="parameters"/> as they are now.</summary>
    public ParameterDrift(IEnumerable<nn.Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var _ = no_grad();
        pairs = parameters.Select(p => (p, p.detach().clone().DetachFromDisposeScope())).ToList();
    }

    /// <summary>Σ |p − p₀| over all parameters and elements.</summary>
    public double L1()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        double sum = 0;
        foreach (var (p, start) in pairs) sum += p.sub(start).abs().sum().to_type(ScalarType.Float64).item<double>();
        return sum;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var (_, start) in pairs) start.Dispose();
        pairs.Clear();
    }
}
