using ClinicalNer.Data;
using TorchBinding;
using TorchBinding.Modules;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Parts;

/// <summary>
/// The MRC pointer scorer (Li et al. 2020), paper 5's "−biaffine" ablation: per type, a binary start head and a binary end
/// head over each position and a span-match head over each (i, j) pair (a linear layer on [h_i; h_j]); trained with binary
/// cross-entropy on starts, ends and, over pairs of gold or predicted starts and ends, matches; a span is kept when its
/// start, end and match probabilities all pass 1/2. Its scores tensor holds, for T types, channels [start_t(i)] [end_t(j)]
/// [match_t(i, j)] (3T, the first two broadcast over the other index). Parameter names: <c>start</c>, <c>end</c>, <c>match</c>.
/// </summary>
public sealed class PointerSpanScorer : nn.Module, ISpanScorer
{
    private readonly Linear start;
    private readonly Linear end;
    private readonly Linear match;
    private readonly Dictionary<string, int> typeIds;

    /// <summary>A scorer over states of size <paramref name="inputSize"/> for <paramref name="types"/>.</summary>
    public PointerSpanScorer(long inputSize, IReadOnlyList<string> types, bool nested = false) : base(nameof(PointerSpanScorer))
    {
        ArgumentNullException.ThrowIfNull(types);
        if (types.Count == 0) throw new ArgumentException("a span scorer needs at least one entity type", nameof(types));
        Classes = ["O", .. types];
        typeIds = types.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
        Nested = nested;
        start = nn.Linear(inputSize, types.Count);
        end = nn.Linear(inputSize, types.Count);
        match = nn.Linear(2 * inputSize, types.Count);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Whether nested spans are kept in decoding.</summary>
    public bool Nested { get; }

    private int Types => Classes.Count - 1;

    /// <inheritdoc/>
    public Tensor Scores(Tensor states, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(states);
        long b = states.size(0), l = states.size(1), h = states.size(2);
        var starts = start.call(states).unsqueeze(2).expand(b, l, l, Types);                      // start of i, for every j
        var ends = end.call(states).unsqueeze(1).expand(b, l, l, Types);                          // end at j, for every i
        // match(i, j) = W [h_i; h_j] + b = W_1 h_i + W_2 h_j + b, computed without the (B, L, L, 2H) pairs.
        var w = match.weight;                                                                     // (T, 2H)
        var left = states.matmul(w.narrow(1, 0, h).t()).unsqueeze(2);                             // (B, L, 1, T)
        var right = states.matmul(w.narrow(1, h, h).t()).unsqueeze(1);                            // (B, 1, L, T)
        var matches = left.add(right).add(match.bias!);                                           // (B, L, L, T)
        return cat([starts, ends, matches], 3);
    }

    /// <inheritdoc/>
    public Tensor Loss(Tensor scores, Tensor mask, long[] lengths, IReadOnlyList<IReadOnlyList<EntitySpan>> gold)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(gold);
        scores = Precision.InFloat32(scores);   // from an autocast region: the losses in float32
        long b = scores.size(0), l = scores.size(1);
        int t = Types;
        var startTarget = new float[b * l * t];
        var endTarget = new float[b * l * t];
        var matchTarget = new float[b * l * l * t];
        for (int r = 0; r < b; r++)
            foreach (var e in gold[r])
            {
                if (e.End > lengths[r] || e.Start < 0 || e.End <= e.Start) continue;
                if (!typeIds.TryGetValue(e.Type, out int k)) throw new ArgumentException($"entity type '{e.Type}' is not one of the scorer's ({string.Join(", ", Classes.Skip(1))})");
                startTarget[(r * l + e.Start) * t + k] = 1;
                endTarget[(r * l + e.End - 1) * t + k] = 1;
                matchTarget[((r * l + e.Start) * l + e.End - 1) * t + k] = 1;
            }
        var valid = mask.unsqueeze(2).expand(b, l, t).to_type(scores.dtype);                     // (B, L, T)
        var startLogits = scores.narrow(3, 0, t).select(2, 0);                                    // (B, L, T)
        var endLogits = scores.narrow(3, t, t).select(1, 0);                                      // (B, L, T)
        var matchLogits = scores.narrow(3, 2 * t, t);                                             // (B, L, L, T)
        Tensor Bce(Tensor logits, float[] target, Tensor weight) =>
            nn.functional.binary_cross_entropy_with_logits(logits, Devices.Move(tensor(target).view(logits.shape), logits.device).to_type(logits.dtype), weight, reduction: nn.Reduction.Sum)
                .div(weight.sum().clamp_min(1));
        // Pairs trained for matching: i ≤ j inside the sequence whose start and end are gold or currently predicted (as Li et al.).
        Tensor pairs;
        using (no_grad())
        {
            var upper = ones([l, l], ScalarType.Float32, scores.device).triu().to_type(ScalarType.Bool).unsqueeze(0).unsqueeze(3);
            var inside = mask.unsqueeze(2).logical_and(mask.unsqueeze(1)).unsqueeze(3);
            var startOn = startLogits.gt(0).logical_or(Devices.Move(tensor(startTarget).view(b, l, t), scores.device).gt(0));
            var endOn = endLogits.gt(0).logical_or(Devices.Move(tensor(endTarget).view(b, l, t), scores.device).gt(0));
            pairs = startOn.unsqueeze(2).logical_and(endOn.unsqueeze(1)).logical_and(upper).logical_and(inside).to_type(scores.dtype);
        }
        return Bce(startLogits, startTarget, valid).add(Bce(endLogits, endTarget, valid)).add(Bce(matchLogits, matchTarget, pairs));
    }

    /// <inheritdoc/>
    public IReadOnlyList<IReadOnlyList<EntitySpan>> Decode(Tensor scores, long[] lengths) =>
        Candidates(scores, lengths).Select(c => (IReadOnlyList<EntitySpan>)BiaffineSpanScorer.Select(c, Nested)
            .Select(s => new EntitySpan(s.Start, s.End, Classes[s.Class])).OrderBy(s => s.Start).ThenBy(s => s.End).ToList()).ToList();

    /// <inheritdoc/>
    public List<List<(int Start, int End, int Class, float Score)>> Candidates(Tensor scores, long[] lengths)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(lengths);
        using var _ = no_grad();
        long l = scores.size(1);
        int t = Types;
        var p = nn.functional.sigmoid(scores.to_type(ScalarType.Float32)).contiguous().data<float>();                         // (B, L, L, 3T)
        var result = new List<List<(int Start, int End, int Class, float Score)>>();
        for (int r = 0; r < lengths.Length; r++)
        {
            var candidates = new List<(int Start, int End, int Class, float Score)>();
            for (int i = 0; i < lengths[r]; i++)
                for (int j = i; j < lengths[r]; j++)
                    for (int k = 0; k < t; k++)
                    {
                        long at = ((r * l + i) * l + j) * 3 * t;
                        float ps = p[at + k], pe = p[at + t + k], pm = p[at + 2 * t + k];
                        if (ps > 0.5f && pe > 0.5f && pm > 0.5f) candidates.Add((i, j + 1, k + 1, ps * pe * pm));
                    }
            result.Add(candidates);
        }
        return result;
    }
}

/// <summary>The MRC pointer heads: start, end and span match (registered as "pointer"; paper 5's "-biaffine" ablation).</summary>
public sealed record PointerSpec : SpanScorerSpec
{
    /// <inheritdoc/>
    public override string DisplayName => "Pointer";

    /// <inheritdoc/>
    public override nn.Module Build(long inputSize, IReadOnlyList<string> types, bool nested, double dropout) =>
        new PointerSpanScorer(inputSize, types, nested);
}
