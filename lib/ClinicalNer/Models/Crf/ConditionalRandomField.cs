using TorchBinding;
using TorchBinding.Extensions;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Crf;

/// <summary>The best tag path of each sequence and its score.</summary>
/// <param name="Paths">One tag index per real position of each sequence.</param>
/// <param name="Scores">The unnormalised score of each best path.</param>
public sealed record CrfDecoding(IReadOnlyList<int[]> Paths, double[] Scores);

/// <summary>
/// A linear-chain CRF over emission scores (Lafferty et al., 2001), with learned START/END
/// transitions, batched and vectorised over tags (loops only over time). Follows AllenNLP's
/// ConditionalRandomField: <see cref="Loss"/> is the mean negative log-likelihood, constraints from
/// <see cref="AllowedTransitions"/> apply at decoding, and <see cref="Decode"/> always returns the best path.
/// </summary>
/// <remarks>
/// Masks are (B, L) bool with every sequence left-aligned (true for its first length positions) and
/// at least one real position. Scores: s(y) = start[y₀] + Σₜ emit[t, yₜ] + Σₜ trans[yₜ₋₁, yₜ] + end[y_last].
/// </remarks>
public sealed class ConditionalRandomField : nn.Module, Parts.ITagDecoder
{
    /// <summary>Stands in for −∞ in masked transitions (finite so 0·(−∞) never makes NaN).</summary>
    public const double NegativeInfinity = -1e4;

    private readonly int numTags;

    /// <summary>Creates the CRF; <paramref name="constraints"/> is an (n+2)² table from <see cref="AllowedTransitions"/>, or null.</summary>
    public ConditionalRandomField(int numTags, bool[,]? constraints = null) : base(nameof(ConditionalRandomField))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numTags, 1);
        this.numTags = numTags;
        if (constraints is not null && (constraints.GetLength(0) != numTags + 2 || constraints.GetLength(1) != numTags + 2))
            throw new ArgumentException($"constraints must be {numTags + 2} x {numTags + 2} (tags + START + END)", nameof(constraints));
        using (no_grad())
        {
            using var t = empty([numTags, numTags]);
            nn.init.xavier_uniform_(t);
            Transitions = new nn.Parameter(t);
            using var s = empty([numTags]).normal_();
            StartTransitions = new nn.Parameter(s);
            using var e = empty([numTags]).normal_();
            EndTransitions = new nn.Parameter(e);
        }
        register_parameter("transitions", Transitions);
        register_parameter("start_transitions", StartTransitions);
        register_parameter("end_transitions", EndTransitions);
        var allowed = new float[(numTags + 2) * (numTags + 2)];
        for (int i = 0; i < numTags + 2; i++)
            for (int j = 0; j < numTags + 2; j++)
                allowed[i * (numTags + 2) + j] = constraints is null || constraints[i, j] ? 1f : 0f;
        register_buffer("constraint_mask", tensor(allowed, [numTags + 2, numTags + 2]));
    }

    /// <summary>Transition scores (from, to), (n, n).</summary>
    public nn.Parameter Transitions { get; }
    /// <summary>Scores of starting in each tag, (n).</summary>
    public nn.Parameter StartTransitions { get; }
    /// <summary>Scores of ending in each tag, (n).</summary>
    public nn.Parameter EndTransitions { get; }

    private Tensor ConstraintMask => named_buffers(false).First(b => b.name == "constraint_mask").buffer;

    /// <summary>Mean negative log-likelihood of the gold tags.</summary>
    /// <param name="emissions">Emission scores (B, L, n).</param>
    /// <param name="tags">Gold tag indices (B, L), int64 (any value, e.g. -100, at padded positions).</param>
    /// <param name="mask">(B, L) bool.</param>
    public Tensor Loss(Tensor emissions, Tensor tags, Tensor mask)
    {
        Check(emissions, mask);
        emissions = Precision.InFloat32(emissions);   // emissions from an autocast region: the CRF works in float32
        return (LogPartition(emissions, mask) - GoldScore(emissions, tags, mask)).mean();
    }

    /// <summary>log Z of each sequence (B): log-sum-exp of the scores of all tag paths.</summary>
    public Tensor LogPartition(Tensor logits, Tensor mask)
    {
        Check(logits, mask);
        if (NativeLogPartition && logits.device_type == DeviceType.CPU && logits.dtype == ScalarType.Float32)
            return SequenceKernels.CrfLogPartition(logits, mask, Transitions, StartTransitions, EndTransitions);
        long length = logits.size(1);
        var alpha = StartTransitions + logits.select(1, 0);                        // (B, n)
        var trans = Transitions.unsqueeze(0);                                        // (1, n, n)
        for (long t = 1; t < length; t++)
        {
            var scores = alpha.unsqueeze(2) + trans + logits.select(1, t).unsqueeze(1); // (B, n, n)
            alpha = where(mask.select(1, t).unsqueeze(1), scores.logsumexp(1), alpha);  // (B, n)
        }
        return (alpha + EndTransitions).logsumexp(1);                               // (B)
    }

    /// <summary>The score of the given tag paths (B).</summary>
    public Tensor GoldScore(Tensor logits, Tensor tags, Tensor mask)
    {
        Check(logits, mask);
        tags = tags.masked_fill(mask.logical_not(), 0);                                    // padding may hold -100
        var maskF = mask.to_type(logits.dtype);                                            // (B, L)
        var emit = logits.gather(2, tags.unsqueeze(2)).squeeze(2) * maskF;                 // (B, L)
        var prev = tags.narrow(1, 0, tags.size(1) - 1);
        var next = tags.narrow(1, 1, tags.size(1) - 1);
        var trans = Transitions.index_select(0, prev.flatten()).gather(1, next.flatten().unsqueeze(1)).view(prev.shape); // (B, L-1)
        trans = trans * maskF.narrow(1, 1, maskF.size(1) - 1);
        var lengths = mask.sum(1, type: ScalarType.Int64);                                 // (B)
        var last = tags.gather(1, (lengths - 1).unsqueeze(1)).squeeze(1);                 // (B)
        return StartTransitions.index_select(0, tags.select(1, 0)) + emit.sum(1) + trans.sum(1) + EndTransitions.index_select(0, last);
    }

    /// <summary>
    /// Viterbi decoding with the constraints applied: the best allowed path of each sequence.
    /// </summary>
    public CrfDecoding Decode(Tensor logits, Tensor mask)
    {
        Check(logits, mask);
        logits = Precision.InFloat32(logits);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        int n = numTags;
        long batch = logits.size(0), length = logits.size(1);
        var allowed = ConstraintMask;
        var penalty = (1 - allowed) * NegativeInfinity;                                     // 0 where allowed
        var trans = (Transitions * allowed.narrow(0, 0, n).narrow(1, 0, n) + penalty.narrow(0, 0, n).narrow(1, 0, n)).unsqueeze(0);
        var start = StartTransitions * allowed[n, ..n] + penalty[n, ..n];
        var end = EndTransitions * allowed[..n, n + 1] + penalty[..n, n + 1];
        if (logits.device_type == DeviceType.CPU && NativeViterbi)
        {
            // One native call for the whole dynamic programme (the loop below costs ~6 ops per step).
            var (native, nativeScores) = SequenceKernels.CrfViterbi(logits, mask, trans.squeeze(0), start, end);
            return new CrfDecoding(native, nativeScores);
        }
        var score = start + logits.select(1, 0);                                            // (B, n)
        var pointers = new List<Tensor>();
        for (long t = 1; t < length; t++)
        {
            var candidates = score.unsqueeze(2) + trans;                                    // (B, n, n)
            var (best, from) = candidates.max(1);                                           // (B, n)
            var step = mask.select(1, t).unsqueeze(1);
            score = where(step, best + logits.select(1, t), score);
            pointers.Add(from);
        }
        var final = score + end;
        var (bestScore, lastTag) = final.max(1);
        long[] lengths = mask.sum(1, type: ScalarType.Int64).data<long>();
        long[] lasts = lastTag.data<long>();
        long[][] back = pointers.Select(p => p.data<long>()).ToArray();                    // [t-1][b * n + tag]
        var paths = new List<int[]>((int)batch);
        for (int b = 0; b < batch; b++)
        {
            var path = new int[lengths[b]];
            path[^1] = (int)lasts[b];
            for (long t = lengths[b] - 1; t > 0; t--) path[t - 1] = (int)back[t - 1][b * n + path[t]];
            paths.Add(path);
        }
        return new CrfDecoding(paths, bestScore.to_type(ScalarType.Float64).data<double>());
    }

    /// <summary>
    /// Whether log Z (and so <see cref="Loss"/> and <see cref="Marginals"/>) of CPU float32 emissions is one native call with
    /// its own forward-backward gradient (on by default: the loop over time runs ~20 small autograd ops per position, forward
    /// and backward); off runs the tensor loop, as on GPUs and for float64. The native one has no second derivative.
    /// </summary>
    public bool NativeLogPartition { get; set; } = true;

    /// <summary>
    /// Whether this CRF decodes on the CPU with the project's native Viterbi (one call for the whole batch; on by default;
    /// off runs the tensor loop, as on GPUs).
    /// </summary>
    public bool NativeViterbi { get; set; } = true;

    /// <summary>
    /// Per-position tag posteriors P(yₜ = j | x), (B, L, n), by forward-backward: computed as the
    /// gradient of log Z with respect to the emissions, which equals the marginals exactly.
    /// Padded positions are zero. Unconstrained, as the training objective.
    /// </summary>
    public Tensor Marginals(Tensor logits, Tensor mask)
    {
        Check(logits, mask);
        logits = Precision.InFloat32(logits);
        using var grad = enable_grad();
        var leaf = logits.detach().requires_grad_();
        using (var scope = NewDisposeScope())
        {
            LogPartition(leaf, mask).sum().backward();
        }
        var marginals = leaf.grad!.detach();
        leaf.Dispose();
        return marginals;
    }

    /// <summary>
    /// The probability of each sequence's best (constrained) path under the model, exp(score − log Z):
    /// a sequence-level confidence, as bootstrapping needs.
    /// </summary>
    public (CrfDecoding Best, double[] Probability) DecodeWithProbability(Tensor logits, Tensor mask)
    {
        var best = Decode(logits, mask);
        using var _ = no_grad();
        using var logZ = LogPartition(logits, mask);
        double[] z = logZ.to_type(ScalarType.Float64).data<double>();
        return (best, best.Scores.Select((s, b) => Math.Exp(s - z[b])).ToArray());
    }

    /// <summary>The decoder view: best paths and, when asked, their probabilities.</summary>
    Parts.Decoding Parts.ITagDecoder.Decode(Tensor emissions, Tensor mask, long[] lengths, bool withConfidence)
    {
        if (!withConfidence) return new Parts.Decoding(Decode(emissions, mask).Paths, Enumerable.Repeat(double.NaN, (int)emissions.size(0)).ToArray());
        var (best, probability) = DecodeWithProbability(emissions, mask);
        return new Parts.Decoding(best.Paths, probability);
    }

    private void Check(Tensor logits, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(mask);
        if (logits.ndim != 3 || logits.size(2) != numTags)
            throw new ArgumentException($"CRF: logits must be (batch, length, {numTags}), got [{string.Join(", ", logits.shape)}]");
        if (mask.ndim != 2 || mask.size(0) != logits.size(0) || mask.size(1) != logits.size(1))
            throw new ArgumentException($"CRF: mask must be (batch, length) = [{logits.size(0)}, {logits.size(1)}], got [{string.Join(", ", mask.shape)}]");
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"num_tags={numTags}";
}
