using ClinicalNer.Models.Crf;
using ClinicalNer.Models.Parts;
using TorchBinding;
using TorchBinding.Extensions;
using TorchBinding.Modules;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Tagging;

/// <summary>
/// The BiLSTM-CRF family as a composition of parts: a <see cref="CharacterEmbedder"/> (characters, + words, + bigrams,
/// + dictionary features, + SoftLexicon word sets, + frozen providers' features, concatenated), dropout, the encoder stack
/// the config names (BiLSTM, BiGRU, self-attention, TENER or a registered part of one's own; none at all), dropout, a
/// linear projection to tag scores, and the decoder it names (softmax, CRF or one's own). Paper 2's LSTM-CRF, paper 4's
/// BiGRU-Attention-CRF, TENER and the plain baselines are configurations of it.
/// </summary>
/// <remarks>
/// Parameter names: <c>embedder.char_embedding</c> (and <c>word_</c>, <c>bigram_</c>, <c>dictionary_</c>, <c>lexicon_embedding</c>),
/// <c>encoder.rnn</c>, <c>attention</c>, <c>projection</c>, <c>crf</c>. Checkpoints written before the embedder and encoder became
/// parts (<c>char_embedding.weight</c>, <c>encoder.weight_ih_l0</c>) load through <see cref="UpgradeKey"/>.
/// </remarks>
public sealed class SequenceTagger : nn.Module, ICheckpointKeys
{
    private readonly CharacterEmbedder embedder;
    private readonly ISequenceEncoder? encoder;     // a module too, registered as "encoder"
    private readonly ISequenceEncoder? attention;   // a module too, registered as "attention"
    private readonly Dropout dropout;
    private readonly Linear projection;
    private readonly nn.Module decoderModule;
    private readonly FoldedInputProjection folded = new();

    /// <summary>Builds the model from its config: its embedder, its encoder stack and its decoder, each a part the config names.</summary>
    public SequenceTagger(SequenceTaggerConfig config) : base(nameof(SequenceTagger))
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        embedder = new CharacterEmbedder(config);
        long size = config.EmbeddingDim;
        var built = new List<(EncoderSpec Spec, nn.Module Module)>();
        foreach (var spec in config.EncoderStack)
        {
            var module = spec.Build(size, config.Dropout);
            if (module is not ISequenceEncoder) throw new ArgumentException($"the encoder part {spec.DisplayName} built a {module.GetType().Name}, not an {nameof(ISequenceEncoder)}");
            built.Add((spec, module));
            size = spec.OutputSize(size);
        }
        // Parameter names as in every checkpoint since before parts: the encoders under "encoder" (one, or "encoder.0",
        // "encoder.1", ...), except a self-attention that ends a stack of recurrent encoders, under "attention"
        // (BiGRU-Attention-CRF's checkpoints).
        bool attentionApart = built.Count >= 1 && built[^1].Spec is AttentionSpec && built.SkipLast(1).All(b => b.Spec is BiLstmSpec or BiGruSpec);
        var body = (attentionApart ? built.SkipLast(1) : built).Select(b => (ISequenceEncoder)b.Module).ToList();
        encoder = body.Count switch { 0 => null, 1 => body[0], _ => new StackedEncoder(body) };
        if (attentionApart) attention = (ISequenceEncoder)built[^1].Module;
        dropout = nn.Dropout(config.Dropout);
        projection = nn.Linear(config.EncodedDim, config.Labels.Count);
        decoderModule = config.TagDecoder.Build(config.Labels, config.Scheme);
        Decoder = decoderModule as ITagDecoder ?? throw new ArgumentException($"the decoder part {config.TagDecoder.DisplayName} built a {decoderModule.GetType().Name}, not an {nameof(ITagDecoder)}");
        // The decoder is registered under "crf" when it is one (its parameters' names in every checkpoint so far), before
        // the fields are, so that it is not registered twice.
        register_module(decoderModule is ConditionalRandomField ? "crf" : "decoder", decoderModule);
        RegisterComponents();
    }

    /// <summary>The configuration the model was built from.</summary>
    public SequenceTaggerConfig Config { get; }

    /// <summary>The decoder part.</summary>
    public ITagDecoder Decoder { get; }

    /// <summary>The embedder part.</summary>
    public CharacterEmbedder Embedder => embedder;

    /// <summary>Word embedding table (for loading pretrained vectors), or null.</summary>
    public Embedding? WordEmbedding => embedder.Words;

    /// <summary>Character embedding table (for loading pretrained vectors).</summary>
    public Embedding CharEmbedding => embedder.Characters;

    /// <summary>Bigram embedding table (for loading pretrained vectors), or null.</summary>
    public Embedding? BigramEmbedding => embedder.Bigrams;

    /// <summary>The CRF, when the decoder is one.</summary>
    public ConditionalRandomField? Crf => decoderModule as ConditionalRandomField;

    /// <summary>
    /// Whether this tagger's inference (eval mode, no grad) on CPU float32 runs the BiLSTM from folded input-gate tables
    /// (<see cref="SequenceKernels.InputGateTables"/>, cached until a weight changes) instead of multiplying each
    /// embedding by W_ih. Same tags, scores equal to float rounding; on by default, off to compare. The fused LSTM kernel
    /// (<see cref="torch.backends.fused"/>) must be on too.
    /// </summary>
    public bool FoldInputProjection { get; set; } = true;

    // Folded tables larger than this (all inputs, both directions) are not worth their memory.
    private const long MaxFoldedBytes = 256L << 20;

    /// <summary>Tag scores (B, L, tags) for a batch.</summary>
    public Tensor Emissions(TaggerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var inputs = embedder.Lookups(batch);
        Tensor x;
        // Folding the input projection into the tables works for looked-up inputs only, not for pooled sets or dense features.
        if (embedder.OnlyLookups && (encoder as RecurrentEncoder)?.Lstm is { } folding && CanFold(folding, inputs))
            x = folding.ForwardEmbedded(inputs.Select(i => i.Ids).ToList(), folded.Tables(folding, inputs.Select(i => (Tensor)i.Table.weight).ToList()),
                batch.Lengths).output;                                                        // (B, L, 2H)
        else
        {
            x = dropout.call(embedder.Embed(batch));                                          // (B, L, E)
            if (encoder is not null) x = encoder.Encode(x, batch.Lengths, batch.Mask);        // (B, L, 2H)
        }
        if (attention is not null) x = attention.Encode(x, batch.Lengths, batch.Mask);
        return projection.call(dropout.call(x));                                              // (B, L, tags)
    }

    // Inference with no dropout and no gradient, on the fused kernel's device and type, with tables of a sensible size.
    private bool CanFold(LSTM lstm, List<(Embedding Table, Tensor Ids)> inputs) =>
        FoldInputProjection && torch.backends.fused.Lstm && !training && !is_grad_enabled()
        && inputs.All(i => i.Table.weight.device_type == DeviceType.CPU && i.Table.weight.dtype == ScalarType.Float32 && i.Ids.device_type == DeviceType.CPU)
        && inputs.Sum(i => i.Table.weight.size(0)) * 4 * lstm.HiddenSize * (lstm.Bidirectional ? 2 : 1) * sizeof(float) <= MaxFoldedBytes;

    /// <summary>Training loss of the decoder (CRF negative log-likelihood, or token cross-entropy).</summary>
    public Tensor Loss(TaggerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var tags = batch.Tags ?? throw new ArgumentException("the batch has no gold tags");
        return Decoder.Loss(Emissions(batch), tags, batch.Mask);
    }

    /// <summary>Best tag ids per sequence (one per real position), with a per-sequence confidence.</summary>
    /// <remarks>
    /// Confidence is the CRF probability of the decoded path, or for softmax the product of the
    /// per-character maximum probabilities.
    /// </remarks>
    /// <param name="batch">The batch to tag.</param>
    /// <param name="withConfidence">Compute the confidences (a CRF needs a second pass for log Z); NaN otherwise.</param>
    public Decoding Decode(TaggerBatch batch, bool withConfidence = true)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return Decoder.Decode(Emissions(batch), batch.Mask, batch.Lengths, withConfidence);
    }

    /// <summary>Before the embedder and the encoder became parts, their parameters sat directly under the tagger and <c>encoder.</c>.</summary>
    public string UpgradeKey(string key) =>
        key.StartsWith("encoder.weight_", StringComparison.Ordinal) || key.StartsWith("encoder.bias_", StringComparison.Ordinal) ? "encoder.rnn." + key["encoder.".Length..]
        : key.Split('.')[0] is "char_embedding" or "word_embedding" or "bigram_embedding" or "dictionary_embedding" ? "embedder." + key
        : key;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) folded.Dispose();
        base.Dispose(disposing);
    }
}
