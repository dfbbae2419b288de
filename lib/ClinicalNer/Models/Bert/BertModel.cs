using TorchBinding;
using TorchBinding.Extensions;
using TorchBinding.Modules;
using static TorchBinding.torch;
using F = TorchBinding.torch.nn.functional;

namespace ClinicalNer.Models.Bert;

/// <summary>
/// The BERT encoder: token + position + segment embeddings with LayerNorm and dropout, post-LN layers of
/// multi-head self-attention and a GELU feed-forward, and the tanh pooler over [CLS]. Parameters are named
/// and shaped as Hugging Face's <c>BertModel</c> (<c>embeddings.word_embeddings.weight</c>,
/// <c>encoder.layer.0.attention.self.query.weight</c>, ...) so bert-base-chinese's weights load by name.
/// </summary>
public sealed class BertModel : nn.Module
{
    /// <summary>Added to the attention scores of positions that may not be attended to (Hugging Face's classic value).</summary>
    public const double MaskedScore = -10000.0;

    private readonly BertEmbeddings embeddings;
    private readonly Named encoder;
    private readonly ModuleList<BertLayer> layers;
    private readonly Named pooler;
    private readonly Linear poolerDense;

    /// <summary>Builds the encoder with Hugging Face's initialisation (normal(0, initializer_range), zero biases, unit LayerNorm).</summary>
    public BertModel(BertConfig config) : base(nameof(BertModel))
    {
        Config = (config ?? throw new ArgumentNullException(nameof(config))).Validate();
        embeddings = new BertEmbeddings(config);
        layers = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new BertLayer(config)));
        encoder = new Named(("layer", layers));
        poolerDense = nn.Linear(config.HiddenSize, config.HiddenSize);
        pooler = new Named(("dense", poolerDense));
        register_module("embeddings", embeddings);
        register_module("encoder", encoder);
        register_module("pooler", pooler);
        Initialize(this, config.InitializerRange);
    }

    /// <summary>The sizes.</summary>
    public BertConfig Config { get; }

    /// <summary>The word-piece embedding table (tied to the MLM decoder).</summary>
    public Embedding WordEmbeddings => embeddings.Words;

    /// <summary>The encoder layers.</summary>
    public IReadOnlyList<BertLayer> Layers => layers;

    /// <summary>Contextual states of every token.</summary>
    /// <param name="inputIds">(B, L) word-piece ids.</param>
    /// <param name="attentionMask">(B, L), true/1 at real tokens; null when nothing is padded.</param>
    /// <param name="tokenTypeIds">(B, L) segment ids; zeros when null.</param>
    /// <param name="positionIds">(B, L) or (L) position ids; 0..L-1 when null (K-BERT passes soft positions).</param>
    /// <param name="visibleMatrix">(B, L, L) per-example visibility: bool (true = may attend) or an additive float mask
    /// (0 visible, large negative hidden), K-BERT's visible matrix; combined with <paramref name="attentionMask"/>.</param>
    /// <returns>(B, L, H)</returns>
    public Tensor forward(Tensor inputIds, Tensor? attentionMask = null, Tensor? tokenTypeIds = null, Tensor? positionIds = null, Tensor? visibleMatrix = null)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (inputIds.ndim != 2) throw new ArgumentException($"input ids must be (batch, length), got [{string.Join(", ", inputIds.shape)}]", nameof(inputIds));
        long length = inputIds.size(1);
        if (length > Config.MaxPositions)
            throw new ArgumentException($"sequence length {length} exceeds max_position_embeddings {Config.MaxPositions}; window the text first", nameof(inputIds));
        Tensor x = embeddings.forward(inputIds, tokenTypeIds, positionIds);
        Tensor? mask = AdditiveMask(attentionMask, visibleMatrix, x.dtype, inputIds.size(0), length);
        foreach (BertLayer layer in layers) x = layer.forward(x, mask);
        return x;
    }

    /// <summary>The pooled [CLS] state: tanh(dense(h[:, 0])).</summary>
    /// <param name="sequence">(B, L, H) from <see cref="forward"/>.</param>
    /// <returns>(B, H)</returns>
    public Tensor Pool(Tensor sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        return poolerDense.call(sequence.select(1, 0)).tanh();
    }

    /// <summary>
    /// The additive mask the attention scores get, shaped to broadcast over (B, heads, L, L): 0 where a
    /// query may attend to a key, <see cref="MaskedScore"/> elsewhere; null when nothing is masked.
    /// </summary>
    public static Tensor? AdditiveMask(Tensor? attentionMask, Tensor? visibleMatrix, ScalarType dtype, long batch, long length)
    {
        Tensor? result = null;
        if (attentionMask is not null)
        {
            if (!attentionMask.shape.SequenceEqual([batch, length]))
                throw new ArgumentException($"attention mask must be ({batch}, {length}), got [{string.Join(", ", attentionMask.shape)}]", nameof(attentionMask));
            Tensor keep = attentionMask.dtype == ScalarType.Bool ? attentionMask : attentionMask.ne(0);
            result = zeros([batch, 1, 1, length], dtype, attentionMask.device).masked_fill(keep.logical_not().view(batch, 1, 1, length), MaskedScore);
        }
        if (visibleMatrix is not null)
        {
            if (!visibleMatrix.shape.SequenceEqual([batch, length, length]))
                throw new ArgumentException($"visible matrix must be ({batch}, {length}, {length}), got [{string.Join(", ", visibleMatrix.shape)}]", nameof(visibleMatrix));
            Tensor visible = visibleMatrix.dtype == ScalarType.Bool
                ? zeros([batch, length, length], dtype, visibleMatrix.device).masked_fill(visibleMatrix.logical_not(), MaskedScore)
                : visibleMatrix.to_type(dtype);
            visible = visible.unsqueeze(1);
            result = result is null ? visible : result + visible;
        }
        return result;
    }

    /// <summary>Hugging Face's initialisation of every Linear, Embedding and LayerNorm below <paramref name="root"/>.</summary>
    internal static void Initialize(nn.Module root, double std)
    {
        using var _ = no_grad();
        foreach (var (_, m) in root.named_modules())
        {
            switch (m)
            {
                case Linear l:
                    l.weight.normal_(0, std);
                    l.bias?.zero_();
                    break;
                case Embedding e:
                    e.weight.normal_(0, std);
                    if (e.PaddingIdx is long pad) e.weight[pad].zero_();
                    break;
                case LayerNorm n:
                    n.weight?.fill_(1);
                    n.bias?.zero_();
                    break;
            }
        }
    }
}

/// <summary>Word, position and segment embeddings, summed, layer-normalised, with dropout.</summary>
public sealed class BertEmbeddings : nn.Module
{
    private readonly Embedding word_embeddings, position_embeddings, token_type_embeddings;
    private readonly LayerNorm norm;
    private readonly Dropout dropout;

    /// <summary>Creates the tables of <paramref name="config"/>'s sizes.</summary>
    public BertEmbeddings(BertConfig config) : base(nameof(BertEmbeddings))
    {
        ArgumentNullException.ThrowIfNull(config);
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        position_embeddings = nn.Embedding(config.MaxPositions, config.HiddenSize);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropout);
        register_module("word_embeddings", word_embeddings);
        register_module("position_embeddings", position_embeddings);
        register_module("token_type_embeddings", token_type_embeddings);
        register_module("LayerNorm", norm);
        register_module("dropout", dropout);
    }

    /// <summary>The word-piece table.</summary>
    public Embedding Words => word_embeddings;

    /// <summary>(B, L, H) embeddings of ids with their segments and positions.</summary>
    public Tensor forward(Tensor inputIds, Tensor? tokenTypeIds, Tensor? positionIds)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        long length = inputIds.size(1);
        positionIds ??= arange(length, ScalarType.Int64, inputIds.device).unsqueeze(0);
        Tensor x = word_embeddings.call(inputIds) + position_embeddings.call(positionIds);
        x = tokenTypeIds is null
            ? x + token_type_embeddings.weight[0]            // segment 0 everywhere: one row, broadcast
            : x + token_type_embeddings.call(tokenTypeIds);
        return dropout.call(norm.call(x));
    }
}

/// <summary>
/// One post-LN encoder layer: x = LN(x + Dropout(SelfAttention(x))), then x = LN(x + Dropout(W2 GELU(W1 x))).
/// Named as Hugging Face's <c>BertLayer</c>: attention.self.{query,key,value}, attention.output.{dense,LayerNorm},
/// intermediate.dense, output.{dense,LayerNorm}.
/// </summary>
public sealed class BertLayer : nn.Module
{
    private readonly Linear query, key, value, attentionDense, intermediateDense, outputDense;
    private readonly LayerNorm attentionNorm, outputNorm;
    private readonly Dropout hiddenDropout, attentionDropout;
    private readonly int heads, headSize;

    /// <summary>Creates a layer of <paramref name="config"/>'s sizes.</summary>
    public BertLayer(BertConfig config) : base(nameof(BertLayer))
    {
        ArgumentNullException.ThrowIfNull(config);
        int h = config.HiddenSize;
        heads = config.Heads;
        headSize = config.HeadSize;
        query = nn.Linear(h, h);
        key = nn.Linear(h, h);
        value = nn.Linear(h, h);
        attentionDense = nn.Linear(h, h);
        attentionNorm = nn.LayerNorm(h, config.LayerNormEps);
        intermediateDense = nn.Linear(h, config.IntermediateSize);
        outputDense = nn.Linear(config.IntermediateSize, h);
        outputNorm = nn.LayerNorm(h, config.LayerNormEps);
        hiddenDropout = nn.Dropout(config.HiddenDropout);
        attentionDropout = nn.Dropout(config.AttentionDropout);
        register_module("attention", new Named(
            ("self", new Named(("query", query), ("key", key), ("value", value))),
            ("output", new Named(("dense", attentionDense), ("LayerNorm", attentionNorm)))));
        register_module("intermediate", new Named(("dense", intermediateDense)));
        register_module("output", new Named(("dense", outputDense), ("LayerNorm", outputNorm)));
        register_module("hidden_dropout", hiddenDropout);
        register_module("attention_dropout", attentionDropout);
    }

    /// <param name="x">(B, L, H)</param>
    /// <param name="mask">Additive score mask broadcastable to (B, heads, L, L), or null.</param>
    /// <returns>(B, L, H)</returns>
    public Tensor forward(Tensor x, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(x);
        // One matmul for Q, K and V (a 3x wider GEMM runs closer to the BLAS peak than three narrow ones);
        // the weights stay separate parameters, as checkpoints name them.
        Tensor qkv = F.linear(x, cat([query.weight, key.weight, value.weight]), cat([query.bias!, key.bias!, value.bias!]));
        // The heads are read from and written to qkv's layout as it is: no copy into a per-head layout, and on CPU one
        // operation per sequence and head from scores to context (AttentionKernels.SelfAttention).
        Tensor context = AttentionKernels.SelfAttention(qkv, mask, heads, 1.0 / Math.Sqrt(headSize), attentionDropout.P, attentionDropout.training);   // (B, L, H)
        // Residual sum and layer norm in one pass per row, and the bias added inside the GELU pass (on CPU).
        Tensor attended = AddLayerNorm.Apply(x, hiddenDropout.call(attentionDense.call(context)), attentionNorm);
        Tensor inner = LinearGelu.Apply(attended, intermediateDense);
        return AddLayerNorm.Apply(attended, hiddenDropout.call(outputDense.call(inner)), outputNorm);
    }
}

/// <summary>A module that only groups named children, so parameter names follow a checkpoint's layout.</summary>
internal sealed class Named : nn.Module
{
    public Named(params (string Name, nn.Module Module)[] children) : base(nameof(Named))
    {
        foreach (var (name, module) in children) register_module(name, module);
    }
}
