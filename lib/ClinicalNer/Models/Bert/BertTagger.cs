using System.Text.Json;
using System.Text.Json.Serialization;
using ClinicalNer.Models.Crf;
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
/// <param name="HeadLearningRate">Learning rate of everything that is not BERT (the new head); null = the trainer's.</param>
public sealed record BertTaggerConfig(BertConfig Bert, IReadOnlyList<string> Labels, TagScheme Scheme = TagScheme.BIO, BertHead Head = BertHead.BiLstmCrf,
    int LstmHidden = 128, double Dropout = 0.1, double? HeadLearningRate = 1e-3)
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

/// <summary>
/// BERT → (BiLSTM) → linear → softmax or CRF over word-piece tokens. Parameter names: <c>bert.*</c>
/// (Hugging Face's, so pretrained encoders load into it), <c>lstm.*</c>, <c>classifier.*</c>, <c>crf.*</c>.
/// </summary>
public sealed class BertTagger : nn.Module
{
    private readonly BertModel bert;
    private readonly LSTM? lstm;
    private readonly Dropout dropout;
    private readonly Linear classifier;
    private readonly ConditionalRandomField? crf;

    /// <summary>Builds the tagger; the encoder starts random (load pretrained weights into <see cref="Bert"/>).</summary>
    public BertTagger(BertTaggerConfig config) : base(nameof(BertTagger))
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
        bert = new BertModel(config.Bert);
        int encoded = config.Bert.HiddenSize;
        if (config.Head == BertHead.BiLstmCrf)
        {
            lstm = nn.LSTM(encoded, config.LstmHidden, batch_first: true, bidirectional: true);
            encoded = 2 * config.LstmHidden;
        }
        dropout = nn.Dropout(config.Dropout);
        classifier = nn.Linear(encoded, config.Labels.Count);
        BertModel.Initialize(classifier, config.Bert.InitializerRange);
        if (config.Head != BertHead.Softmax) crf = new ConditionalRandomField(config.Labels.Count, AllowedTransitions.For(config.Scheme, config.Labels));
        register_module("bert", bert);
        if (lstm is not null) register_module("lstm", lstm);
        register_module("dropout", dropout);
        register_module("classifier", classifier);
        if (crf is not null) register_module("crf", crf);
    }

    /// <summary>The configuration.</summary>
    public BertTaggerConfig Config { get; }

    /// <summary>The encoder.</summary>
    public BertModel Bert => bert;

    /// <summary>The CRF, unless the head is softmax.</summary>
    public ConditionalRandomField? Crf => crf;

    /// <summary>Label scores of the word pieces between [CLS] and [SEP]: (B, T, labels).</summary>
    /// <param name="inputIds">(B, T + 2) [CLS] pieces [SEP] padding.</param>
    /// <param name="attentionMask">(B, T + 2) true at real tokens.</param>
    /// <param name="lengths">Pieces per sequence (without [CLS]/[SEP]).</param>
    public Tensor Emissions(Tensor inputIds, Tensor attentionMask, long[] lengths)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(lengths);
        Tensor states = bert.forward(inputIds, attentionMask);                     // (B, T + 2, H)
        long t = inputIds.size(1) - 2;
        Tensor pieces = states.narrow(1, 1, t);                                     // drop [CLS]; the last column is [SEP] or padding
        if (lstm is not null) pieces = lstm.call(dropout.call(pieces), lengths: lengths).output;
        return classifier.call(dropout.call(pieces));
    }

    /// <summary>CRF negative log-likelihood, or token cross-entropy (labels -100 ignored).</summary>
    public Tensor Loss(Tensor inputIds, Tensor attentionMask, long[] lengths, Tensor labels, Tensor labelMask)
    {
        ArgumentNullException.ThrowIfNull(labels);
        Tensor emissions = Emissions(inputIds, attentionMask, lengths);
        return crf is not null
            ? crf.Loss(emissions, labels.clamp_min(0), labelMask)
            : F.cross_entropy(emissions.reshape(-1, Config.Labels.Count), labels.reshape(-1), ignore_index: -100);
    }

    /// <summary>Best label ids per sequence with a per-sequence confidence (CRF path probability, or the product of softmax maxima).</summary>
    public (IReadOnlyList<int[]> Paths, double[] Confidence) Decode(Tensor inputIds, Tensor attentionMask, long[] lengths, Tensor labelMask)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        using var _ = no_grad();
        Tensor emissions = Emissions(inputIds, attentionMask, lengths);
        if (crf is not null)
        {
            var (best, probability) = crf.DecodeWithProbability(emissions, labelMask);
            return (best.Paths, probability);
        }
        return Tagging.GreedyDecoding.Decode(emissions, labelMask, lengths);
    }
}
