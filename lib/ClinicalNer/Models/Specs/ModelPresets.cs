using ClinicalNer.Models.Bert;
using ClinicalNer.Models.Parts;
using ClinicalNer.Models.Tagging;

namespace ClinicalNer.Models.Specs;

/// <summary>
/// Named specs: the models of the papers and their baselines, one place for <c>lab train --model</c>, <c>lab models</c>
/// and the notebooks. A preset is only a <see cref="ModelSpec"/> with a name (a notebook adds its own with
/// <see cref="Register"/>); settings a preset leaves open (a BERT checkpoint, a knowledge graph) are filled on the command
/// line or with <c>with</c>.
/// </summary>
public static class ModelPresets
{
    private static readonly BertEncoderSpec RandomSmallBert = new();

    private static readonly List<(string Name, ModelSpec Spec)> presets =
    [
        ("bilstm-crf", Tagger([new BiLstmSpec()], new CrfSpec())),
        ("bilstm-softmax", Tagger([new BiLstmSpec()], new SoftmaxSpec())),
        ("bigru-crf", Tagger([new BiGruSpec()], new CrfSpec())),
        ("bigru-attention-crf", Tagger([new BiGruSpec(), new AttentionSpec()], new CrfSpec())),
        ("embedding-crf", Tagger([], new CrfSpec())),
        ("feature-crf", new FeatureCrfSpec()),
        ("bert-softmax", new BertTaggerSpec(RandomSmallBert, BertHead.Softmax)),
        ("bert-crf", new BertTaggerSpec(RandomSmallBert, BertHead.Crf)),
        ("bert-bilstm-crf", new BertTaggerSpec(RandomSmallBert, BertHead.BiLstmCrf)),
        ("kbert-softmax", new BertTaggerSpec(RandomSmallBert, BertHead.Softmax, Knowledge: new KnowledgeSpec(""))),
        ("kbert-crf", new BertTaggerSpec(RandomSmallBert, BertHead.Crf, Knowledge: new KnowledgeSpec(""))),
        ("kbert-bilstm-crf", new BertTaggerSpec(RandomSmallBert, BertHead.BiLstmCrf, Knowledge: new KnowledgeSpec(""))),
        // Paper 5: the question encoded apart and attended to (its eqs. 2-3); "-joint" reads [CLS] query [SEP] context [SEP].
        ("bert-mrc-biaffine", new BertSpanSpec(RandomSmallBert, new BiaffineSpec(), Mrc: true, SeparateQuery: true)),
        ("bert-mrc-biaffine-joint", new BertSpanSpec(RandomSmallBert, new BiaffineSpec(), Mrc: true)),
        ("bert-mrc-softmax", new BertSpanSpec(RandomSmallBert, new SoftmaxSpanSpec(), Mrc: true, SeparateQuery: true)),
        ("bert-mrc-pointer", new BertSpanSpec(RandomSmallBert, new PointerSpec(), Mrc: true)),
        ("bert-biaffine", new BertSpanSpec(RandomSmallBert, new BiaffineSpec(), Mrc: false)),
        ("bert-pointer", new BertSpanSpec(RandomSmallBert, new PointerSpec(), Mrc: false)),
    ];

    private static TaggerSpec Tagger(IReadOnlyList<EncoderSpec> encoders, DecoderSpec decoder) => new(encoders, decoder, Chars: new CharInputSpec());

    /// <summary>The default preset.</summary>
    public const string Default = "bilstm-crf";

    /// <summary>Every preset name, in order (the BiLSTM-CRF family, the BERT taggers, the span models).</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            lock (presets) return presets.Select(p => p.Name).ToList();
        }
    }

    /// <summary>The preset's spec.</summary>
    /// <exception cref="ArgumentException">For an unknown name (the known ones listed).</exception>
    public static ModelSpec Get(string name)
    {
        lock (presets)
            return presets.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Spec
                   ?? throw new ArgumentException($"unknown model '{name}' (one of: {string.Join(", ", presets.Select(p => p.Name))}; lab models lists them)");
    }

    /// <summary>Adds a preset, or replaces the one of that name.</summary>
    public static void Register(string name, ModelSpec spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(spec);
        lock (presets)
        {
            int at = presets.FindIndex(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (at >= 0) presets[at] = (name, spec);
            else presets.Add((name, spec));
        }
    }

    /// <summary>Defaults of the BiLSTM-CRF family's settings (the record's own).</summary>
    public static SequenceTaggerConfig RecurrentDefaults { get; } = new(0, []);

    /// <summary>Defaults of the BERT taggers' settings (the record's own).</summary>
    public static BertTaggerConfig BertDefaults { get; } = new(BertConfig.Preset("small"), []);

    /// <summary>
    /// The encoder stack and decoder of a preset of the BiLSTM-CRF family applied to <paramref name="config"/>: through the
    /// shorthand fields when they can say it (so that a later <c>with { HiddenSize = ... }</c> still applies), else as parts.
    /// </summary>
    /// <exception cref="ArgumentException">For a name that is not a tagger preset.</exception>
    public static SequenceTaggerConfig Recurrent(string name, SequenceTaggerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var spec = Get(name) as TaggerSpec ?? throw new ArgumentException($"'{name}' is not a preset of the BiLSTM-CRF family");
        var e = spec.Encoders;
        EncoderKind? kind = e.Count == 0 || e[0] is AttentionSpec ? EncoderKind.None : e[0] is BiLstmSpec ? EncoderKind.BiLstm : e[0] is BiGruSpec ? EncoderKind.BiGru : null;
        int recurrent = kind is EncoderKind.None ? 0 : 1;
        bool shorthand = kind is not null && e.Skip(recurrent).All(x => x is AttentionSpec) && e.Count - recurrent <= 1 && spec.Decoder is CrfSpec or SoftmaxSpec;
        if (!shorthand) return config with { EncoderParts = spec.Encoders, DecoderPart = spec.Decoder };
        return config with
        {
            Encoder = kind!.Value, AttentionHeads = e.OfType<AttentionSpec>().FirstOrDefault()?.Heads ?? 0,
            Decoder = spec.Decoder is CrfSpec ? DecoderKind.Crf : DecoderKind.Softmax, ConstrainedDecoding = (spec.Decoder as CrfSpec)?.Constrained ?? true,
            EncoderParts = null, DecoderPart = null,
        };
    }

    /// <summary>Whether a preset is a span model (paper 5), whether it reads MRC queries, and whether it scores with pointers.</summary>
    public static (bool IsSpan, bool Mrc, bool Pointer) SpanOf(string name) =>
        Get(name) is BertSpanSpec span ? (true, span.Mrc, span.Scorer is PointerSpec) : (false, false, false);
}
