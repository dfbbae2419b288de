using TorchBinding;
using TorchBinding.Modules;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Parts;

/// <summary>
/// TENER's encoder (registered as "tener"): Yan et al. 2019, "TENER: Adapting Transformer Encoder for Named Entity
/// Recognition", a baseline of paper 3's tables. Transformer layers whose attention knows the direction and distance
/// between two characters (relative sinusoidal positions) and is left unscaled, as the paper found better for NER.
/// </summary>
/// <param name="Model">Size of the layers' states (inputs of another size are projected to it first).</param>
/// <param name="Heads">Attention heads; <paramref name="Model"/> divides by them, and each head's size is even.</param>
/// <param name="Layers">Stacked layers.</param>
/// <param name="FeedForward">Inner size of each layer's feed-forward block.</param>
/// <param name="AttentionDropout">Dropout on the attention weights (the layers' other dropout is the model's).</param>
/// <remarks>The defaults are this project's choice for character-level Chinese NER, not the paper's tuned settings.</remarks>
public sealed record TenerSpec(int Model = 128, int Heads = 4, int Layers = 1, int FeedForward = 256, double AttentionDropout = 0.15) : EncoderSpec
{
    /// <inheritdoc/>
    public override string DisplayName => "TENER";

    /// <inheritdoc/>
    public override long OutputSize(long inputSize) => Model;

    /// <inheritdoc/>
    public override nn.Module Build(long inputSize, double dropout) => new TenerEncoder(this, inputSize, dropout);
}

/// <summary>The stack of <see cref="TenerLayer"/>s, after a projection of the inputs to the layers' size when they differ.</summary>
public sealed class TenerEncoder : nn.Module, ISequenceEncoder
{
    private readonly Linear? input;
    private readonly ModuleList<TenerLayer> layers;

    /// <summary>Builds the encoder for inputs of <paramref name="inputSize"/>.</summary>
    public TenerEncoder(TenerSpec spec, long inputSize, double dropout) : base(nameof(TenerEncoder))
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.Layers, 1);
        if (inputSize != spec.Model) input = nn.Linear(inputSize, spec.Model);
        layers = nn.ModuleList(Enumerable.Range(0, spec.Layers).Select(_ => new TenerLayer(spec, dropout)));
        OutputSize = spec.Model;
        RegisterComponents();
    }

    /// <summary>The layers.</summary>
    public IReadOnlyList<TenerLayer> Layers => layers;

    /// <inheritdoc/>
    public long OutputSize { get; }

    /// <inheritdoc/>
    public Tensor Encode(Tensor x, long[] lengths, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (input is not null) x = input.call(x);                    // (B, L, D)
        foreach (var layer in layers) x = layer.forward(x, mask);
        return x;
    }
}

/// <summary>
/// One TENER layer: relative multi-head attention, residual and layer norm, then a ReLU feed-forward block, residual and
/// layer norm. For heads h, the score of target t attending to context j is (the paper's eq. for A<sup>rel</sup>)
/// <c>Q_t·K_j + Q_t·R_(t−j) + u·K_j + v·R_(t−j)</c>, with Q = H W_q, K = H itself (no key projection), V = H W_v, u and v
/// learned per head, and <c>R_d = [sin(c_0 d), cos(c_0 d), sin(c_1 d), cos(c_1 d), ...]</c>, c_i = 10000^(−2i/d_k):
/// sin is odd, so R_d ≠ R_(−d) and the score tells left from right.
/// </summary>
public sealed class TenerLayer : nn.Module
{
    private readonly Linear query, value, output, feedIn, feedOut;
    private readonly LayerNorm attentionNorm, feedNorm;
    private readonly Dropout dropout, attentionDropout;
    private readonly int heads, headSize;

    /// <summary>Builds a layer of <see cref="TenerSpec.Model"/> states.</summary>
    public TenerLayer(TenerSpec spec, double dropout) : base(nameof(TenerLayer))
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.Heads, 1);
        if (spec.Model % spec.Heads != 0 || spec.Model / spec.Heads % 2 != 0)
            throw new ArgumentException($"TENER: {spec.Model} states in {spec.Heads} heads must give each head an even size (sin and cos pairs)");
        heads = spec.Heads;
        headSize = spec.Model / spec.Heads;
        query = nn.Linear(spec.Model, spec.Model);
        value = nn.Linear(spec.Model, spec.Model);
        output = nn.Linear(spec.Model, spec.Model);
        U = new nn.Parameter(empty([heads, headSize]));
        V = new nn.Parameter(empty([heads, headSize]));
        nn.init.normal_(U, 0, 0.02);
        nn.init.normal_(V, 0, 0.02);
        register_parameter("u", U);
        register_parameter("v", V);
        attentionNorm = nn.LayerNorm(spec.Model);
        feedIn = nn.Linear(spec.Model, spec.FeedForward);
        feedOut = nn.Linear(spec.FeedForward, spec.Model);
        feedNorm = nn.LayerNorm(spec.Model);
        this.dropout = nn.Dropout(dropout);
        attentionDropout = nn.Dropout(spec.AttentionDropout);
        RegisterComponents();
    }

    /// <summary>The per-head content bias u (heads, d_k).</summary>
    public nn.Parameter U { get; }

    /// <summary>The per-head position bias v (heads, d_k).</summary>
    public nn.Parameter V { get; }

    /// <summary>The query projection W_q.</summary>
    public Linear Query => query;

    /// <summary>Relative sinusoidal encodings (2L − 1, d) of distances −(L−1) … L−1: row r is distance r − (L − 1).</summary>
    public static Tensor RelativePositions(long length, long size, Device device)
    {
        using var scope = NewDisposeScope();
        var distance = arange(-(length - 1), length, dtype: ScalarType.Float32, device: device).unsqueeze(1);          // (2L-1, 1)
        var rates = exp(arange(0, size / 2, dtype: ScalarType.Float32, device: device) * (-2.0 * Math.Log(10000.0) / size));  // (d/2)
        var angles = distance * rates.unsqueeze(0);                                                                   // (2L-1, d/2)
        return stack([angles.sin(), angles.cos()], 2).reshape(2 * length - 1, size).MoveToOuterDisposeScope();     // sin, cos interleaved
    }

    /// <summary>The attention scores before the softmax, padded context positions masked out.</summary>
    /// <param name="x">States (B, L, D).</param>
    /// <param name="mask">(B, L) bool, true at real positions.</param>
    /// <returns>(B, heads, L, L): row t, column j is target t attending to context j.</returns>
    public Tensor Scores(Tensor x, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(mask);
        long b = x.size(0), l = x.size(1);
        Tensor Split(Tensor t) => t.view(b, l, heads, headSize).transpose(1, 2);                          // (B, H, L, dk)
        var q = Split(query.call(x));
        var kT = Split(x).transpose(-1, -2);                                                               // (B, H, dk, L): K = H
        var r = RelativePositions(l, headSize, x.device).to_type(x.dtype);                                 // (2L-1, dk)
        // Column of R for target t and context j: distance t - j, row t - j + L - 1.
        var rows = arange(0, l, device: x.device);
        var index = (rows.unsqueeze(1) - rows.unsqueeze(0) + (l - 1));                                     // (L, L)
        var content = q.matmul(kT) + U.view(1, heads, 1, headSize).matmul(kT);                             // Q·K + u·K
        var position = q.matmul(r.t()).gather(3, index.view(1, 1, l, l).expand(b, heads, l, l))          // Q·R(t-j)
            + V.matmul(r.t()).index_select(1, index.reshape(-1)).view(1, heads, l, l);                     // v·R(t-j)
        return (content + position).masked_fill(mask.logical_not().view(b, 1, 1, l), -1e4);              // unscaled, as TENER's
    }

    /// <param name="x">States (B, L, D).</param>
    /// <param name="mask">(B, L) bool, true at real positions.</param>
    /// <returns>(B, L, D)</returns>
    public Tensor forward(Tensor x, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(x);
        long b = x.size(0), l = x.size(1), d = x.size(2);
        var weights = attentionDropout.call(nn.functional.softmax(Scores(x, mask), -1));                   // (B, H, L, L)
        var values = value.call(x).view(b, l, heads, headSize).transpose(1, 2);                             // (B, H, L, dk)
        var attended = weights.matmul(values).transpose(1, 2).reshape(b, l, d);                             // (B, L, D)
        x = attentionNorm.call(x + dropout.call(output.call(attended)));
        return feedNorm.call(x + dropout.call(feedOut.call(dropout.call(feedIn.call(x).relu()))));
    }
}
