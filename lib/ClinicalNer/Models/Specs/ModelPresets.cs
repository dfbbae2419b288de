using ClinicalNer.Models.Bert;
using ClinicalNer.Models.Parts;
using ClinicalNer.Models.Tagging;

namespace ClinicalNer.Models.Specs;

/// <summary>
/// The tagger presets by name, one place for the CLI and the notebooks: the BiLSTM-CRF family (encoder, decoder,
/// attention) and the BERT taggers (their head). Defaults of every other setting come from the config records
/// (<see cref="SequenceTaggerConfig"/>, <see cref="BertTaggerConfig"/>).
/// </summary>
public static class ModelPresets
{
    private static readonly Dictionary<string, (EncoderKind Encoder, DecoderKind Decoder, int AttentionHeads)> RecurrentPresets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["bilstm-crf"] = (EncoderKind.BiLstm, DecoderKind.Crf, 0),
        ["bilstm-softmax"] = (EncoderKind.BiLstm, DecoderKind.Softmax, 0),
        ["bigru-crf"] = (EncoderKind.BiGru, DecoderKind.Crf, 0),
        ["bigru-attention-crf"] = (EncoderKind.BiGru, DecoderKind.Crf, 4),
        ["embedding-crf"] = (EncoderKind.None, DecoderKind.Crf, 0),
    };

    // The BERT taggers by head; the kbert-* ones inject a knowledge graph (K-BERT, paper 3).
    private static readonly Dictionary<string, (BertHead Head, bool Knowledge)> BertPresets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["bert-softmax"] = (BertHead.Softmax, false),
        ["bert-crf"] = (BertHead.Crf, false),
        ["bert-bilstm-crf"] = (BertHead.BiLstmCrf, false),
        ["kbert-softmax"] = (BertHead.Softmax, true),
        ["kbert-crf"] = (BertHead.Crf, true),
        ["kbert-bilstm-crf"] = (BertHead.BiLstmCrf, true),
    };

    // Paper 5's span models: the biaffine (or pointer) scorer over BERT, with or without MRC queries — the model and its ablations.
    private static readonly Dictionary<string, (bool Mrc, bool Pointer)> SpanPresets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["bert-mrc-biaffine"] = (true, false),
        ["bert-mrc-pointer"] = (true, true),
        ["bert-biaffine"] = (false, false),
        ["bert-pointer"] = (false, true),
    };

    /// <summary>The default preset.</summary>
    public const string Default = "bilstm-crf";

    /// <summary>Every preset name, the BiLSTM-CRF family first.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. RecurrentPresets.Keys, .. BertPresets.Keys, .. SpanPresets.Keys];

    /// <summary>Defaults of the BiLSTM-CRF family's settings (the record's own).</summary>
    public static SequenceTaggerConfig RecurrentDefaults { get; } = new(0, []);

    /// <summary>Defaults of the BERT taggers' settings (the record's own).</summary>
    public static BertTaggerConfig BertDefaults { get; } = new(BertConfig.Preset("small"), []);

    /// <summary>Whether <paramref name="name"/> is a BERT tagger.</summary>
    /// <exception cref="ArgumentException">For an unknown name (the known ones listed).</exception>
    public static bool IsBert(string name) =>
        BertPresets.ContainsKey(name) || SpanPresets.ContainsKey(name) ? true : RecurrentPresets.ContainsKey(name) ? false : throw Unknown(name);

    /// <summary>Whether <paramref name="name"/> is a span model (paper 5), whether it reads MRC queries, and whether it scores with pointers.</summary>
    public static (bool IsSpan, bool Mrc, bool Pointer) SpanOf(string name) =>
        SpanPresets.TryGetValue(name, out var p) ? (true, p.Mrc, p.Pointer) : (false, false, false);

    /// <summary>The encoder, decoder and attention of a BiLSTM-CRF-family preset applied to <paramref name="config"/>.</summary>
    public static SequenceTaggerConfig Recurrent(string name, SequenceTaggerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var (encoder, decoder, heads) = RecurrentPresets.TryGetValue(name, out var p) ? p : throw Unknown(name);
        return config with { Encoder = encoder, Decoder = decoder, AttentionHeads = heads };
    }

    /// <summary>The head of a BERT preset.</summary>
    public static BertHead BertHeadOf(string name) => BertPresets.TryGetValue(name, out var preset) ? preset.Head : throw Unknown(name);

    /// <summary>Whether a BERT preset injects a knowledge graph (K-BERT).</summary>
    public static bool InjectsKnowledge(string name) =>
        BertPresets.TryGetValue(name, out var preset) ? preset.Knowledge : SpanPresets.ContainsKey(name) || RecurrentPresets.ContainsKey(name) ? false : throw Unknown(name);

    private static ArgumentException Unknown(string name) => new($"unknown model '{name}' (one of: {string.Join(", ", Names)})");
}
