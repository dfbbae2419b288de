using ClinicalNer.Data;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Parts;

/// <summary>
/// The part a span model ends with instead of an <see cref="ITagDecoder"/>: scores for every (start, end) pair of an encoded
/// sequence and every class (none + entity types), a loss against gold spans (nested allowed) and a decoding to spans.
/// Paper 5's biaffine scorer and the MRC pointer scorer implement it.
/// </summary>
public interface ISpanScorer
{
    /// <summary>Classes scored per span: index 0 is "no entity", then the entity types.</summary>
    IReadOnlyList<string> Classes { get; }

    /// <summary>(B, L, L, classes) scores of the span from i to j (inclusive) for i ≤ j; other entries are ignored.</summary>
    Tensor Scores(Tensor states, Tensor mask);

    /// <summary>
    /// Mean cross-entropy over the real spans (i ≤ j within each length) against <paramref name="gold"/> (end exclusive);
    /// <paramref name="lengths"/> are the mask's row sums, which the caller knows on the host (no read back from a GPU).
    /// </summary>
    Tensor Loss(Tensor scores, Tensor mask, long[] lengths, IReadOnlyList<IReadOnlyList<EntitySpan>> gold);

    /// <summary>Spans (end exclusive) whose best class is an entity type.</summary>
    IReadOnlyList<IReadOnlyList<EntitySpan>> Decode(Tensor scores, long[] lengths);

    /// <summary>Per sequence, every span the scorer proposes (end exclusive), with its class and a score in [0, 1], before crossing spans are dropped.</summary>
    List<List<(int Start, int End, int Class, float Score)>> Candidates(Tensor scores, long[] lengths);
}
