using ClinicalNer.Embeddings;
using ClinicalNer.Models.Parts;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Text;

namespace ClinicalNer.Models.Specs;

/// <summary>
/// The BiLSTM-CRF family (registered as "tagger"): character inputs and the optional bigram, word, dictionary, SoftLexicon
/// and frozen-feature inputs, an encoder stack of parts (none, BiLSTM, BiGRU, attention, TENER, one's own), a decoder part,
/// the tag scheme and the dropout. Paper 2's LSTM-CRF, paper 4's BiGRU-Attention-CRF and the baselines are specs of it.
/// </summary>
/// <param name="Encoders">The encoder stack, in order (empty: the embeddings go straight to the projection).</param>
/// <param name="Decoder">The decoder.</param>
/// <param name="Scheme">The tag scheme the model predicts.</param>
/// <param name="Dropout">Dropout on the embeddings and the encoder's output.</param>
/// <param name="Chars">Character inputs (null: 100-d, no pretrained vectors).</param>
/// <param name="Bigrams">Bigram inputs, or null for none.</param>
/// <param name="Words">Segmentation word inputs, or null for none.</param>
/// <param name="Dictionary">Dictionary features, or null for none.</param>
/// <param name="SoftLexicon">SoftLexicon word sets, or null for none.</param>
/// <param name="WordVectors">Pretrained vectors (<c>lab word2vec --words</c>) for the words of <paramref name="SoftLexicon"/> and <paramref name="Words"/>.</param>
/// <param name="Features">Frozen feature providers to fuse, in order; null or empty for none (each opened once per process and shared by every model that fuses it, its features cached once).</param>
/// <param name="ConsistencyCheck">Paper 2's label consistency check over the predictions (a surface labelled one type in
/// most of the training text is relabelled so).</param>
/// <param name="Inputs">Input parts of one's own (registered <see cref="InputSpec"/>s such as "charClass"), after the built-in
/// inputs; null or empty for none.</param>
public sealed record TaggerSpec(
    IReadOnlyList<EncoderSpec> Encoders,
    DecoderSpec Decoder,
    TagScheme Scheme = TagScheme.BIO,
    double Dropout = 0.5,
    CharInputSpec? Chars = null,
    BigramInputSpec? Bigrams = null,
    WordInputSpec? Words = null,
    DictionaryInputSpec? Dictionary = null,
    SoftLexiconInputSpec? SoftLexicon = null,
    string? WordVectors = null,
    IReadOnlyList<FeatureInputSpec>? Features = null,
    bool ConsistencyCheck = false,
    IReadOnlyList<InputSpec>? Inputs = null) : ModelSpec
{
    /// <inheritdoc/>
    public override string DisplayName => SequenceTaggerConfig.NameOf(Encoders ?? [], Decoder ?? new CrfSpec()) + (ConsistencyCheck ? " + consistency check" : "");

    /// <inheritdoc/>
    protected internal override INerModel Create(ModelContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Encoders is null || Encoders.Any(e => e is null)) throw new ArgumentException("the tagger spec's encoders are missing (give [] for none)");
        if (Decoder is null) throw new ArgumentException("the tagger spec names no decoder (e.g. {\"type\": \"crf\"})");
        if (Dropout is < 0 or >= 1) throw new ArgumentException($"dropout {Dropout} is outside [0, 1)");
        if (Inputs is not null && Inputs.Any(i => i is null)) throw new ArgumentException("the tagger spec's inputs hold a null entry");
        var log = context.Log ?? TextWriter.Null;
        var chars = Chars ?? new CharInputSpec();
        var lexicon = Words?.ReadTerms();
        var dictionaries = Dictionary?.ReadLexicons();
        if (WordVectors is not null && lexicon is null && SoftLexicon is null)
            throw new ArgumentException("word vectors (--pretrained-words) need words to load them into: give softLexicon or words lexicons (--soft-lexicon, --lexicon)");
        var inputs = TaggerInputs.Build(context.Train, Scheme, segmentationLexicon: lexicon, dictionaryLexicons: dictionaries,
            minBigramCount: Bigrams?.MinCount ?? 0, goldSegmentationInTraining: Words?.GoldSegmentation ?? true, softLexiconTerms: SoftLexicon?.ReadTerms());
        if (dictionaries is not null) log.WriteLine($"dictionary features: {string.Join(", ", dictionaries.Select(kv => $"{kv.Key} {kv.Value.Count():N0} terms"))}");
        if (inputs.SoftLexicon is { } soft)
            log.WriteLine($"SoftLexicon: {soft.Words.Count - 2:N0} words from {SoftLexicon!.Lexicons.Count} file(s), {soft.Frequencies.Count(z => z > 1):N0} of them in the training text");
        if (lexicon is not null) log.WriteLine($"segmentation lexicon: {lexicon.Count:N0} terms from {Words!.Lexicons.Count} file(s) plus the training entities; {inputs.WordCount:N0} words");
        var own = (Inputs ?? []).Select(i => i.Prepare(context.Train)).ToList();
        foreach (var i in own) log.WriteLine($"input part: {i.DisplayName} ({PartRegistry.NameOf(i)}), {i.OutputSize()} per character");

        var config = inputs.ModelConfig(c => c with { Dropout = Dropout, EncoderParts = Encoders, DecoderPart = Decoder, InputParts = own.Count == 0 ? null : own });
        config = chars.Configure(config);
        if (Bigrams is not null) config = Bigrams.Configure(config);
        if (Words is not null) config = Words.Configure(config);
        if (Dictionary is not null) config = Dictionary.Configure(config);
        if (SoftLexicon is not null) config = SoftLexicon.Configure(config);
        var features = (Features ?? []).Select(f => f.Open()).ToList();
        foreach (var f in features) log.WriteLine($"fused features: {f.Name}, {f.Size} per character (frozen, computed once per piece and shared)");
        var model = TaggerModel.Create(inputs, config, context.Seed, features, ownsFeatures: false);
        try
        {
            chars.Initialise(model, log);
            Bigrams?.Initialise(model, log);
            if (WordVectors is { } wv) LoadWordVectors(model, wv, log);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return ConsistencyCheck ? new ConsistencyCheckedModel(model, new LabelConsistencyChecker(context.Train)) : model;
    }

    // One vectors file for the words of both word inputs (SoftLexicon sets and segmentation words).
    private static void LoadWordVectors(TaggerModel model, string path, TextWriter log)
    {
        var vectors = Word2Vec.Load(path);
        var config = model.Tagger.Config;
        if (model.Tagger.Embedder.LexiconWords is { } table)
            log.WriteLine($"pretrained SoftLexicon word vectors: {vectors.CopyInto(table, model.Inputs.SoftLexicon!.Words, $"{path} (softLexicon.dim {config.LexiconEmbeddingDim})"):N0} of {model.Inputs.SoftLexicon.Words.Count - 2:N0} found in {path}");
        if (model.Tagger.WordEmbedding is { } words)
            log.WriteLine($"pretrained segmentation word vectors: {vectors.CopyInto(words, model.Inputs.Words!, $"{path} (words.dim {config.WordEmbeddingDim})"):N0} of {model.Inputs.Words!.Count:N0} found in {path}");
    }
}
