using ClinicalNer.Data.Readers;
using ClinicalNer.Embeddings;
using ClinicalNer.Models.Parts;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Text;

namespace ClinicalNer.Models.Specs;

/// <summary>Character inputs.</summary>
/// <param name="Dim">Embedding size.</param>
/// <param name="Vectors">Pretrained vectors in word2vec text format (their size must be <paramref name="Dim"/>), or null.</param>
/// <param name="Learn">Train the character table (false: it stays as initialised, paper 2's ablation of learned characters).</param>
public sealed record CharInputSpec(int Dim = 100, string? Vectors = null, bool Learn = true);

/// <summary>Character bigram inputs (cᵢcᵢ₊₁).</summary>
/// <param name="MinCount">Bigrams seen at least this often in the training text get an embedding.</param>
/// <param name="Dim">Embedding size.</param>
/// <param name="Vectors">Pretrained bigram vectors (<c>lab word2vec --bigrams</c>), or null.</param>
public sealed record BigramInputSpec(int MinCount = 1, int Dim = 50, string? Vectors = null);

/// <summary>Word inputs from paper 2's entity-aware segmentation: each character gets the vector of its word.</summary>
/// <param name="Lexicons">Segmentation lexicons (one term per line); the training entities are words too.</param>
/// <param name="Dim">Embedding size.</param>
/// <param name="GoldSegmentation">Keep the training text's gold entities whole when segmenting it (the paper's layer);
/// false segments the training text as new text is, with no boundary the test text lacks.</param>
public sealed record WordInputSpec(IReadOnlyList<string> Lexicons, int Dim = 50, bool GoldSegmentation = true);

/// <summary>Dictionary features: B-/I-TYPE of the longest lexicon match, as an embedding (paper 4).</summary>
/// <param name="Lexicons">The lexicon files of each entity type.</param>
/// <param name="Dim">Embedding size.</param>
public sealed record DictionaryInputSpec(IReadOnlyDictionary<string, IReadOnlyList<string>> Lexicons, int Dim = 50)
{
    /// <summary>The lexicons as TYPE=FILE pairs, one per file.</summary>
    public IEnumerable<string> Pairs() => Lexicons.SelectMany(kv => kv.Value.Select(file => $"{kv.Key}={file}"));
}

/// <summary>SoftLexicon word sets: the begin/middle/end/single sets of every lexicon word matching the text, pooled by frequency.</summary>
/// <param name="Lexicons">The lexicons.</param>
/// <param name="Dim">Word embedding size (each character gets its four pooled sets).</param>
public sealed record SoftLexiconInputSpec(IReadOnlyList<string> Lexicons, int Dim = 50);

/// <summary>A frozen feature provider fused with the embeddings (paper 4): "bilm" (a <c>lab lm</c> folder) or "bert" (a BERT folder).</summary>
/// <param name="Provider">The provider's registered name.</param>
/// <param name="Path">Its folder.</param>
public sealed record FeatureInputSpec(string Provider, string Path);

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
    bool ConsistencyCheck = false) : ModelSpec
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
        if (Bigrams is { MinCount: < 1 }) throw new ArgumentException($"bigrams.minCount is {Bigrams.MinCount}; a bigram input needs 1 or more");
        var log = context.Log ?? TextWriter.Null;
        var chars = Chars ?? new CharInputSpec();
        var lexicon = Words is null ? null : Words.Lexicons.SelectMany(f => LexiconReader.ReadLexicon(f).Keys).ToHashSet(StringComparer.Ordinal);
        var dictionaries = Dictionary is null ? null : LexiconReader.ReadTypedLexicons(Dictionary.Pairs());
        if (WordVectors is not null && lexicon is null && SoftLexicon is null)
            throw new ArgumentException("word vectors (--pretrained-words) need words to load them into: give softLexicon or words lexicons (--soft-lexicon, --lexicon)");
        var softTerms = SoftLexicon?.Lexicons.SelectMany(f => LexiconReader.ReadLexicon(f).Keys).ToList();
        var inputs = TaggerInputs.Build(context.Train, Scheme, segmentationLexicon: lexicon, dictionaryLexicons: dictionaries,
            minBigramCount: Bigrams?.MinCount ?? 0, goldSegmentationInTraining: Words?.GoldSegmentation ?? true, softLexiconTerms: softTerms);
        if (dictionaries is not null) log.WriteLine($"dictionary features: {string.Join(", ", dictionaries.Select(kv => $"{kv.Key} {kv.Value.Count():N0} terms"))}");
        if (inputs.SoftLexicon is { } soft)
            log.WriteLine($"SoftLexicon: {soft.Words.Count - 2:N0} words from {SoftLexicon!.Lexicons.Count} file(s), {soft.Frequencies.Count(z => z > 1):N0} of them in the training text");
        if (lexicon is not null) log.WriteLine($"segmentation lexicon: {lexicon.Count:N0} terms from {Words!.Lexicons.Count} file(s) plus the training entities; {inputs.WordCount:N0} words");

        var config = inputs.ModelConfig(c => c with
        {
            CharEmbeddingDim = chars.Dim, BigramEmbeddingDim = Bigrams?.Dim ?? c.BigramEmbeddingDim, WordEmbeddingDim = Words?.Dim ?? c.WordEmbeddingDim,
            DictionaryEmbeddingDim = Dictionary?.Dim ?? c.DictionaryEmbeddingDim, LexiconEmbeddingDim = SoftLexicon?.Dim ?? c.LexiconEmbeddingDim,
            Dropout = Dropout, EncoderParts = Encoders, DecoderPart = Decoder,
        });
        var features = (Features ?? []).Select(f => (ICharacterFeatures)FeatureProviderRegistry.Shared(f.Provider, f.Path)).ToList();
        foreach (var f in features) log.WriteLine($"fused features: {f.Name}, {f.Size} per character (frozen, computed once per piece and shared)");
        var model = TaggerModel.Create(inputs, config, context.Seed, features, ownsFeatures: false);
        try
        {
            if (chars.Vectors is { } cv)
                log.WriteLine($"pretrained character vectors: {Word2Vec.Load(cv).CopyInto(model.Tagger.CharEmbedding, inputs.Characters, $"{cv} (chars.dim {chars.Dim})"):N0} of {inputs.Characters.Count:N0} found in {cv}");
            if (Bigrams?.Vectors is { } bv)
                log.WriteLine($"pretrained bigram vectors: {Word2Vec.Load(bv).CopyInto(model.Tagger.BigramEmbedding!, inputs.Bigrams!, $"{bv} (bigrams.dim {Bigrams.Dim})"):N0} of {inputs.Bigrams!.Count:N0} found in {bv}");
            if (WordVectors is { } wv)
            {
                var vectors = Word2Vec.Load(wv);
                if (model.Tagger.Embedder.LexiconWords is { } table)
                    log.WriteLine($"pretrained SoftLexicon word vectors: {vectors.CopyInto(table, inputs.SoftLexicon!.Words, $"{wv} (softLexicon.dim {config.LexiconEmbeddingDim})"):N0} of {inputs.SoftLexicon.Words.Count - 2:N0} found in {wv}");
                if (model.Tagger.WordEmbedding is { } segmentWords)
                    log.WriteLine($"pretrained segmentation word vectors: {vectors.CopyInto(segmentWords, inputs.Words!, $"{wv} (words.dim {config.WordEmbeddingDim})"):N0} of {inputs.Words!.Count:N0} found in {wv}");
            }
            model.Tagger.CharEmbedding.weight.requires_grad = chars.Learn;
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return ConsistencyCheck ? new ConsistencyCheckedModel(model, new LabelConsistencyChecker(context.Train)) : model;
    }
}
