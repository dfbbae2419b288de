using TorchBinding;
using TorchBinding.Modules;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Parts;

/// <summary>
/// Multi-head scaled dot-product self-attention over encoder states with a residual connection and
/// layer normalisation (the attention layer of BiGRU-Attention-CRF); padded positions are not attended to. The output
/// size is the input size.
/// </summary>
public sealed class SelfAttentionEncoder : nn.Module, ISequenceEncoder
{
    private readonly Linear query, key, value, output;
    private readonly LayerNorm norm;
    private readonly Dropout dropout;
    private readonly int heads;

    /// <summary>Creates the layer over states of size <paramref name="dim"/>.</summary>
    public SelfAttentionEncoder(int dim, int heads, double dropout) : base(nameof(SelfAttentionEncoder))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        if (dim % heads != 0) throw new ArgumentException($"state size {dim} is not divisible by {heads} heads");
        this.heads = heads;
        OutputSize = dim;
        query = nn.Linear(dim, dim);
        key = nn.Linear(dim, dim);
        value = nn.Linear(dim, dim);
        output = nn.Linear(dim, dim);
        norm = nn.LayerNorm(dim);
        this.dropout = nn.Dropout(dropout);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public long OutputSize { get; }

    /// <inheritdoc/>
    public Tensor Encode(Tensor x, long[] lengths, Tensor mask) => forward(x, mask);

    /// <param name="x">States (B, L, D).</param>
    /// <param name="mask">(B, L) bool, true at real positions.</param>
    /// <returns>(B, L, D)</returns>
    public Tensor forward(Tensor x, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(x);
        long b = x.size(0), l = x.size(1), d = x.size(2), dh = d / heads;
        Tensor Split(Tensor t) => t.view(b, l, heads, dh).transpose(1, 2);                   // (B, H, L, dh)
        var scores = Split(query.call(x)).matmul(Split(key.call(x)).transpose(-1, -2)) / Math.Sqrt(dh); // (B, H, L, L)
        scores = scores.masked_fill(mask.logical_not().unsqueeze(1).unsqueeze(1), -1e4);
        var attended = dropout.call(nn.functional.softmax(scores, -1)).matmul(Split(value.call(x)));    // (B, H, L, dh)
        var merged = attended.transpose(1, 2).reshape(b, l, d);                                        // (B, L, D)
        return norm.call(x + dropout.call(output.call(merged)));
    }
}

/// <summary>Self-attention over the states before it, residual and layer norm (registered as "attention"; BiGRU-Attention-CRF's layer).</summary>
/// <param name="Heads">Attention heads (the state size must divide by them).</param>
public sealed record AttentionSpec(int Heads = 4) : EncoderSpec
{
    /// <inheritdoc/>
    public override string DisplayName => "Attention";

    /// <inheritdoc/>
    public override long OutputSize(long inputSize) => inputSize;

    /// <inheritdoc/>
    public override nn.Module Build(long inputSize, double dropout) => new SelfAttentionEncoder(checked((int)inputSize), Heads, dropout);
}
