using System.Text.Json;
using System.Text.Json.Serialization;
using ClinicalNer.Models.Crf;
using ClinicalNer.Models.Parts;
using ClinicalNer.Text;
using TorchBinding;
using TorchBinding.Modules;
using static TorchBinding.torch;
using F = TorchBinding.torch.nn.functional;

namespace ClinicalNer.Models.Bert;

/// <summary>The head on top of BERT.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BertHead>))]
public enum BertHead
{
    /// <summary>BERT-Softmax: a linear layer and per-token cross-entropy.</summary>
    Softmax,
    /// <summary>BERT-CRF: a linear layer into a CRF.</summary>
    Crf,
    /// <summary>BERT-BiLSTM-CRF: a BiLSTM over BERT's states, then a linear layer into a CRF.</summary>
    BiLstmCrf,
}

/// <summary>Everything that rebuilds a BERT tagger (saved as JSON beside its weights).</summary>
/// <param name="Bert">Encoder sizes.</param>
/// <param name="Labels">Token labels, "O" first.</param>
/// <param name="Scheme">Tag scheme of the labels.</param>
/// <param name="Head">Softmax, CRF or BiLSTM-CRF.</param>
/// <param name="LstmHidden">BiLSTM hidden size per direction (BiLSTM-CRF only).</param>
/// <param name="Dropout">Dropout before the head.</param>
/// <param name="Knowledge">K-BERT: how knowledge-graph objects are injected (null = a plain BERT tagger); the graph is saved beside the config.</param>
/// <remarks>The head's learning rate is a training option (<c>TrainerOptions.HeadLearningRate</c>); configs saved with one still load.</remarks>
public sealed record BertTaggerConfig(BertConfig Bert, IReadOnlyList<string> Labels, TagScheme Scheme = TagScheme.BIO, BertHead Head = BertHead.BiLstmCrf,
    int LstmHidden = 128, double Dropout = 0.1, KnowledgeInjectionOptions? Knowledge = null)
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>Serialises the config.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Reads a config written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">When the JSON is malformed.</exception>
    public static BertTaggerConfig FromJson(string json, string source = "bert-tagger.json")
    {
        try
        {
            var c = JsonSerializer.Deserialize<BertTaggerConfig>(json) ?? throw new InvalidDataException($"{source}: empty config");
            c.Bert.Validate();
            return c;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
    }
}

/// <summary>K-BERT's inputs to the encoder and where the sentence's pieces sit among the injected tokens.</summary>
/// <param name="PositionIds">(B, L) soft (or hard) position ids.</param>
/// <param name="Visible">(B, L, L) true where a token may attend, or null (every token sees every token).</param>
/// <param name="SentenceIndex">(B, T) the position in the sequence of each sentence piece (0 for padding).</param>
public sealed record KnowledgeInputs(Tensor PositionIds, Tensor? Visible, Tensor SentenceIndex);

/// <summary>
/// BERT → (BiLSTM) → linear → softmax or CRF over word-piece tokens, composed of parts: the <see cref="BertModel"/>
/// encoder, an optional <see cref="RecurrentEncoder"/>, a projection and an <see cref="ITagDecoder"/>. Parameter names:
/// <c>bert.*</c> (Hugging Face's, so pretrained encoders load into it), <c>lstm.rnn.*</c>, <c>classifier.*</c>, <c>crf.*</c>;
/// checkpoints from before the BiLSTM became a part (<c>lstm.weight_ih_l0</c>) load through <see cref="UpgradeKey"/>.
/// </summary>
public sealed class BertTagger : nn.Module, ICheckpointKeys
{
    private readonly BertModel bert;
    private readonly RecurrentEncoder? lstm;
    private readonly Dropout dropout;
    private readonly Linear classifier;
    private readonly nn.Module decoderModule;

    /// <summary>Builds the tagger; the encoder starts random (load pretrained weights into <see cref="Bert"/>).</summary>
    public BertTagger(BertTaggerConfig config) : base(nameof(BertTagger))
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
        bert = new BertModel(config.Bert);
        long encoded = config.Bert.HiddenSize;
        if (config.Head == BertHead.BiLstmCrf)
        {
            lstm = new RecurrentEncoder(EncoderKind.BiLstm, encoded, config.LstmHidden);
            encoded = lstm.OutputSize;
        }
        dropout = nn.Dropout(config.Dropout);
        classifier = nn.Linear(encoded, config.Labels.Count);
        BertModel.Initialize(classifier, config.Bert.InitializerRange);
        decoderModule = TagDecoders.Create(config.Head == BertHead.Softmax ? DecoderKind.Softmax : DecoderKind.Crf, config.Labels, config.Scheme);
        Decoder = (ITagDecoder)decoderModule;
        register_module("bert", bert);
        if (lstm is not null) register_module("lstm", lstm);
        register_module("dropout", dropout);
        register_module("classifier", classifier);
        register_module(decoderModule is ConditionalRandomField ? "crf" : "decoder", decoderModule);
    }

    /// <summary>The configuration.</summary>
    public BertTaggerConfig Config { get; }

    /// <summary>The encoder.</summary>
    public BertModel Bert => bert;

    /// <summary>The decoder part.</summary>
    public ITagDecoder Decoder { get; }

    /// <summary>The CRF, unless the head is softmax.</summary>
    public ConditionalRandomField? Crf => decoderModule as ConditionalRandomField;

    /// <summary>Label scores of the sentence's word pieces: (B, T, labels).</summary>
    /// <param name="inputIds">(B, L): [CLS] pieces [SEP] padding (L = T + 2), or with K-BERT the injected sequence.</param>
    /// <param name="attentionMask">(B, L) true at real tokens.</param>
    /// <param name="lengths">Sentence pieces per sequence (without [CLS]/[SEP] and injected tokens).</param>
    /// <param name="knowledge">K-BERT's positions, visible matrix and sentence positions; null for plain sequences.</param>
    public Tensor Emissions(Tensor inputIds, Tensor attentionMask, long[] lengths, KnowledgeInputs? knowledge = null)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        ArgumentNullException.ThrowIfNull(lengths);
        Tensor states = bert.forward(inputIds, attentionMask, positionIds: knowledge?.PositionIds, visibleMatrix: knowledge?.Visible);   // (B, L, H)
        Tensor pieces, pieceMask;
        if (knowledge is null)
        {
            long t = inputIds.size(1) - 2;
            pieces = states.narrow(1, 1, t);                                        // drop [CLS]; the last column is [SEP] or padding
            pieceMask = attentionMask.narrow(1, 1, t);
        }
        else
        {
            // Only the sentence's positions go on: injected tokens shape them through attention but carry no label.
            long b = states.size(0), t = knowledge.SentenceIndex.size(1), h = states.size(2);
            pieces = states.gather(1, knowledge.SentenceIndex.unsqueeze(-1).expand(b, t, h));
            pieceMask = arange(t, ScalarType.Int64, inputIds.device).unsqueeze(0).lt(tensor(lengths).to(inputIds.device).unsqueeze(1));
        }
        if (lstm is not null) pieces = lstm.Encode(dropout.call(pieces), lengths, pieceMask);
        return classifier.call(dropout.call(pieces));
    }

    /// <summary>The decoder's loss over the labelled pieces (<paramref name="labelMask"/>; other labels are ignored).</summary>
    public Tensor Loss(Tensor inputIds, Tensor attentionMask, long[] lengths, Tensor labels, Tensor labelMask, KnowledgeInputs? knowledge = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return Decoder.Loss(Emissions(inputIds, attentionMask, lengths, knowledge), labels.clamp_min(0), labelMask);
    }

    /// <summary>Best label ids per sequence with a per-sequence confidence (CRF path probability, or the product of softmax maxima).</summary>
    public Decoding Decode(Tensor inputIds, Tensor attentionMask, long[] lengths, Tensor labelMask, KnowledgeInputs? knowledge = null)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        using var _ = no_grad();
        return Decoder.Decode(Emissions(inputIds, attentionMask, lengths, knowledge), labelMask, lengths);
    }

    /// <summary>Before the BiLSTM became a part, its parameters sat directly under <c>lstm.</c>.</summary>
    public string UpgradeKey(string key) =>
        key.StartsWith("lstm.weight_", StringComparison.Ordinal) || key.StartsWith("lstm.bias_", StringComparison.Ordinal) ? "lstm.rnn." + key["lstm.".Length..] : key;
}
