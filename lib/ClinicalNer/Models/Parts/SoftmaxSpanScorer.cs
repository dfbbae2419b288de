using ClinicalNer.Data;
using TorchBinding;
using TorchBinding.Modules;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Parts;

/// <summary>
/// Paper 5's "−biaffine" ablation: the biaffine classifier replaced by "a softmax layer that is frequently used in models to
/// produce the outputs", i.e. one linear layer and a softmax over BIO tags at each token (O, then B-t and I-t for each class
/// t), trained with token cross-entropy; a span is a B followed by the I's of its class (an I without a B opens a span, as
/// lenient BIO readers do). Spans cannot nest. Its scores tensor holds each token's tag logits at [b, i, i, :] and, so
/// that it has the (B, L, L, ·) shape every span scorer gives, the same row broadcast over the second index (a view, not
/// a copy). Parameter name: <c>tags</c>.
/// </summary>
public sealed class SoftmaxSpanScorer : nn.Module, ISpanScorer
{
    private readonly Linear tags;
    private readonly Dictionary<string, int> typeIds;

    /// <summary>A scorer over states of size <paramref name="inputSize"/> for <paramref name="types"/>.</summary>
    public SoftmaxSpanScorer(long inputSize, IReadOnlyList<string> types) : base(nameof(SoftmaxSpanScorer))
    {
        ArgumentNullException.ThrowIfNull(types);
        if (types.Count == 0) throw new ArgumentException("a span scorer needs at least one entity type", nameof(types));
        Classes = ["O", .. types];
        typeIds = types.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
        tags = nn.Linear(inputSize, 1 + 2 * types.Count);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Classes { get; }

    private int Types => Classes.Count - 1;

    /// <summary>Tag index of B-<paramref name="type"/> (I- is the next one); 0 is O.</summary>
    private static int Begin(int type) => 1 + 2 * type;

    /// <inheritdoc/>
    public Tensor Scores(Tensor states, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(states);
        long b = states.size(0), l = states.size(1);
        var logits = tags.call(states);                                                           // (B, L, 1 + 2T)
        return logits.unsqueeze(2).expand(b, l, l, logits.size(2));
    }

    /// <summary>The gold tag of each token (−100 past the length), (B, L): B-t at an entity's first token, I-t after it.</summary>
    /// <remarks>Overlapping gold spans (nested data) cannot all be tagged: the longer one is kept, as a flat tagger would.</remarks>
    public Tensor Targets(long length, long[] lengths, IReadOnlyList<IReadOnlyList<EntitySpan>> gold)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(gold);
        var targets = new long[lengths.Length * length];
        Array.Fill(targets, -100);
        for (int r = 0; r < lengths.Length; r++)
        {
            Array.Fill(targets, 0, (int)(r * length), (int)lengths[r]);
            var taken = new bool[lengths[r]];
            foreach (var e in gold[r].OrderByDescending(e => e.End - e.Start).ThenBy(e => e.Start))
            {
                if (e.End > lengths[r] || e.Start < 0 || e.End <= e.Start) continue;   // cut off by windowing, or empty
                if (!typeIds.TryGetValue(e.Type, out int k)) throw new ArgumentException($"entity type '{e.Type}' is not one of the scorer's ({string.Join(", ", Classes.Skip(1))})");
                if (Enumerable.Range(e.Start, e.End - e.Start).Any(i => taken[i])) continue;
                for (int i = e.Start; i < e.End; i++)
                {
                    taken[i] = true;
                    targets[r * length + i] = i == e.Start ? Begin(k) : Begin(k) + 1;
                }
            }
        }
        return tensor(targets).view(lengths.Length, length);
    }

    /// <inheritdoc/>
    public Tensor Loss(Tensor scores, Tensor mask, long[] lengths, IReadOnlyList<IReadOnlyList<EntitySpan>> gold)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(lengths);
        var logits = Precision.InFloat32(scores).select(2, 0);                                    // (B, L, 1 + 2T)
        if (lengths.All(n => n == 0)) return logits.sum().mul(0);
        var targets = Devices.Move(Targets(logits.size(1), lengths, gold), logits.device);
        return nn.functional.cross_entropy(logits.reshape(-1, logits.size(2)), targets.reshape(-1), ignore_index: -100);
    }

    /// <inheritdoc/>
    public IReadOnlyList<IReadOnlyList<EntitySpan>> Decode(Tensor scores, long[] lengths) =>
        Candidates(scores, lengths).Select(c => (IReadOnlyList<EntitySpan>)c.Select(s => new EntitySpan(s.Start, s.End, Classes[s.Class])).ToList()).ToList();

    /// <summary>Per sequence, the spans of the most probable tag at each token, each scored by its tokens' lowest tag probability.</summary>
    public List<List<(int Start, int End, int Class, float Score)>> Candidates(Tensor scores, long[] lengths)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(lengths);
        using var _ = no_grad();
        var (best, tag) = nn.functional.softmax(scores.select(2, 0).to_type(ScalarType.Float32), -1).max(-1);   // (B, L)
        long l = scores.size(1);
        float[] p = best.contiguous().data<float>();
        long[] k = tag.contiguous().data<long>();
        var result = new List<List<(int Start, int End, int Class, float Score)>>();
        for (int r = 0; r < lengths.Length; r++)
        {
            var spans = new List<(int Start, int End, int Class, float Score)>();
            int open = -1, type = 0;
            float score = 1;
            void Close(int end)
            {
                if (open >= 0) spans.Add((open, end, type + 1, score));
                open = -1;
            }
            for (int i = 0; i < lengths[r]; i++)
            {
                long t = k[r * l + i];
                int tagType = (int)(t - 1) / 2;
                bool begins = t > 0 && (t - 1) % 2 == 0, continues = t > 0 && !begins && open >= 0 && tagType == type;
                if (continues) { score = Math.Min(score, p[r * l + i]); continue; }
                Close(i);
                if (t == 0) continue;
                (open, type, score) = (i, tagType, p[r * l + i]);
            }
            Close((int)lengths[r]);
            result.Add(spans);
        }
        return result;
    }
}

/// <summary>A softmax over BIO tags at each token (registered as "softmax"; paper 5's "−biaffine" ablation as the paper builds it).</summary>
public sealed record SoftmaxSpanSpec : SpanScorerSpec
{
    /// <inheritdoc/>
    public override string DisplayName => "Softmax";

    /// <inheritdoc/>
    public override nn.Module Build(long inputSize, IReadOnlyList<string> types, bool nested, double dropout) =>
        new SoftmaxSpanScorer(inputSize, types);
}
