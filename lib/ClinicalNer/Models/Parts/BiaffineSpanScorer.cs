using ClinicalNer.Data;
using TorchBinding;
using TorchBinding.Modules;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Parts;

/// <summary>
/// Paper 5's biaffine span scorer (Yu et al. 2020): start and end feed-forward layers (ReLU, size <c>hidden</c>) over the
/// encoder's states, a constant 1 appended to both, and a (d + 1) × C × (d + 1) tensor U scoring every span (i, j) for
/// each class: s(i, j, c) = [h_s(i); 1]ᵀ U_c [h_e(j); 1]. Trained with softmax cross-entropy over "none" + the types on
/// every span i ≤ j inside the sequence; decoded by score, a span dropped when it crosses a kept one (and, for flat data,
/// when it overlaps one at all). Parameter names: <c>start</c>, <c>end</c>, <c>biaffine</c>.
/// </summary>
public sealed class BiaffineSpanScorer : nn.Module, ISpanScorer
{
    private readonly Linear start;
    private readonly Linear end;
    private readonly Dropout dropout;
    private readonly nn.Parameter biaffine;
    private readonly Dictionary<string, int> classIds;

    /// <summary>A scorer over states of size <paramref name="inputSize"/> for <paramref name="types"/> (class 0 is "no entity").</summary>
    /// <param name="inputSize">Size of the encoder's states.</param>
    /// <param name="types">Entity types.</param>
    /// <param name="hidden">Size of the start and end representations (150 in Yu et al.).</param>
    /// <param name="dropout">Dropout on the start and end representations.</param>
    /// <param name="nested">Keep spans nested inside kept ones (nested data); otherwise any overlap drops the lower-scoring span.</param>
    public BiaffineSpanScorer(long inputSize, IReadOnlyList<string> types, int hidden = 150, double dropout = 0.2, bool nested = false) : base(nameof(BiaffineSpanScorer))
    {
        ArgumentNullException.ThrowIfNull(types);
        if (types.Count == 0) throw new ArgumentException("a span scorer needs at least one entity type", nameof(types));
        Classes = ["O", .. types];
        classIds = Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        Nested = nested;
        start = nn.Linear(inputSize, hidden);
        end = nn.Linear(inputSize, hidden);
        this.dropout = nn.Dropout(dropout);
        // Yu et al. initialise U to zeros; a small random start lets the gradient test see every entry move.
        using (no_grad()) biaffine = new nn.Parameter(randn(hidden + 1, Classes.Count, hidden + 1).mul_(0.01));
        RegisterComponents();
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Whether nested spans are kept in decoding.</summary>
    public bool Nested { get; }

    /// <summary>The biaffine tensor U: (d + 1, classes, d + 1).</summary>
    public nn.Parameter U => biaffine;

    /// <inheritdoc/>
    public Tensor Scores(Tensor states, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(states);
        long b = states.size(0), l = states.size(1), c = Classes.Count;
        Tensor Represent(Linear layer)
        {
            var h = dropout.call(nn.functional.relu(layer.call(states)));                         // (B, L, d)
            return cat([h, ones_like(h.narrow(2, 0, 1))], 2);                               // (B, L, d + 1)
        }
        var hs = Represent(start);
        var he = Represent(end);
        long d1 = hs.size(2);
        // [h_s; 1] U, for every class at once, then against every [h_e; 1]: (B, L, C·(d+1)) → (B, C, L, d+1) @ (B, 1, d+1, L).
        var left = hs.matmul(biaffine.reshape(d1, c * d1)).view(b, l, c, d1).permute(0, 2, 1, 3);
        var scores = left.matmul(he.transpose(1, 2).unsqueeze(1));                                // (B, C, L, L)
        return scores.permute(0, 2, 3, 1);                                                         // (B, L, L, C)
    }

    /// <summary>The class of each span (0 = none, −100 = not a span: i &gt; j or past the length), (B, L, L).</summary>
    public Tensor Targets(long length, long[] lengths, IReadOnlyList<IReadOnlyList<EntitySpan>> gold)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(gold);
        int b = lengths.Length;
        var targets = new long[b * length * length];
        Array.Fill(targets, -100);
        for (int r = 0; r < b; r++)
        {
            for (long i = 0; i < lengths[r]; i++)
                for (long j = i; j < lengths[r]; j++) targets[(r * length + i) * length + j] = 0;
            foreach (var e in gold[r])
            {
                if (e.End > lengths[r] || e.Start < 0 || e.End <= e.Start) continue;   // cut off by windowing, or empty
                if (!classIds.TryGetValue(e.Type, out int id)) throw new ArgumentException($"entity type '{e.Type}' is not one of the scorer's ({string.Join(", ", Classes.Skip(1))})");
                targets[(r * length + e.Start) * length + (e.End - 1)] = id;
            }
        }
        return tensor(targets).view(b, length, length);
    }

    /// <inheritdoc/>
    public Tensor Loss(Tensor scores, Tensor mask, long[] lengths, IReadOnlyList<IReadOnlyList<EntitySpan>> gold)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(lengths);
        long length = scores.size(1);
        scores = Precision.InFloat32(scores);   // from an autocast region: the softmax in float32
        var targets = Devices.Move(Targets(length, lengths, gold), scores.device);
        // A batch of empty texts has no span: a zero loss (connected to the graph), not the NaN of a mean over nothing.
        if (lengths.All(n => n == 0)) return scores.sum().mul(0);
        return nn.functional.cross_entropy(scores.reshape(-1, Classes.Count), targets.reshape(-1), ignore_index: -100);
    }

    /// <inheritdoc/>
    public IReadOnlyList<IReadOnlyList<EntitySpan>> Decode(Tensor scores, long[] lengths) =>
        Candidates(scores, lengths).Select(c => (IReadOnlyList<EntitySpan>)Select(c, Nested).Select(s => new EntitySpan(s.Start, s.End, Classes[s.Class]))
            .OrderBy(s => s.Start).ThenBy(s => s.End).ToList()).ToList();

    /// <inheritdoc/>
    List<List<(int Start, int End, int Class, float Score)>> ISpanScorer.Candidates(Tensor scores, long[] lengths) => Candidates(scores, lengths);

    /// <summary>Per sequence, every span whose most probable class is an entity type, with that probability (before selection).</summary>
    public static List<List<(int Start, int End, int Class, float Score)>> Candidates(Tensor scores, long[] lengths)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(lengths);
        using var _ = no_grad();
        var probabilities = nn.functional.softmax(scores.to_type(ScalarType.Float32), -1);
        var (best, classes) = probabilities.max(-1);                                               // (B, L, L)
        long length = scores.size(1);
        float[] p = best.contiguous().data<float>();
        long[] k = classes.contiguous().data<long>();
        var result = new List<List<(int Start, int End, int Class, float Score)>>();
        for (int r = 0; r < lengths.Length; r++)
        {
            var candidates = new List<(int Start, int End, int Class, float Score)>();
            for (int i = 0; i < lengths[r]; i++)
                for (int j = i; j < lengths[r]; j++)
                {
                    long at = (r * length + i) * length + j;
                    if (k[at] != 0) candidates.Add((i, j + 1, (int)k[at], p[at]));
                }
            result.Add(candidates);
        }
        return result;
    }

    /// <summary>
    /// Candidate spans (end exclusive) kept greedily by descending score: one that crosses a kept span (they overlap and
    /// neither contains the other) is dropped; with <paramref name="nested"/> false, any overlap drops it.
    /// </summary>
    public static List<(int Start, int End, int Class, float Score)> Select(IEnumerable<(int Start, int End, int Class, float Score)> candidates, bool nested)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var kept = new List<(int Start, int End, int Class, float Score)>();
        foreach (var s in candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Start).ThenBy(c => c.End))
        {
            bool clash = kept.Any(t =>
            {
                bool overlap = s.Start < t.End && t.Start < s.End;
                bool contains = (s.Start <= t.Start && t.End <= s.End) || (t.Start <= s.Start && s.End <= t.End);
                return overlap && (!nested || !contains);
            });
            if (!clash) kept.Add(s);
        }
        return kept;
    }
}

/// <summary>Paper 5's biaffine span scorer (registered as "biaffine").</summary>
/// <param name="Hidden">Size of the start and end feed-forward layers (the paper's 150).</param>
public sealed record BiaffineSpec(int Hidden = 150) : SpanScorerSpec
{
    /// <inheritdoc/>
    public override string DisplayName => "Biaffine";

    /// <inheritdoc/>
    public override nn.Module Build(long inputSize, IReadOnlyList<string> types, bool nested, double dropout) =>
        new BiaffineSpanScorer(inputSize, types, Hidden, dropout, nested);
}
