using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Tagging;

/// <summary>Decoding of a softmax head: the most probable label at each real position, independently.</summary>
public static class GreedyDecoding
{
    /// <summary>Label ids per sequence and the probability of each whole sequence (product of the per-position maxima).</summary>
    /// <param name="emissions">(B, L, labels) scores.</param>
    /// <param name="mask">(B, L) bool, true at real positions.</param>
    /// <param name="lengths">Real positions per sequence.</param>
    public static (IReadOnlyList<int[]> Paths, double[] Confidence) Decode(Tensor emissions, Tensor mask, long[] lengths)
    {
        ArgumentNullException.ThrowIfNull(emissions);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(lengths);
        using var scope = NewDisposeScope();
        var (maxLogProb, argmax) = nn.functional.log_softmax(emissions, -1).max(-1);           // (B, L)
        long width = emissions.size(1);
        long[] ids = argmax.data<long>();
        double[] logp = maxLogProb.masked_fill(mask.logical_not(), 0).sum(1).to_type(ScalarType.Float64).data<double>();
        var paths = lengths.Select((len, b) => Enumerable.Range(0, (int)len).Select(t => (int)ids[b * width + t]).ToArray()).ToList();
        return (paths, logp.Select(Math.Exp).ToArray());
    }
}
