using System.Text.Json;
using ClinicalNer.Data;
using ClinicalNer.Text;
using ClinicalNer.Text.Lexicon;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Tagging;

/// <summary>
/// Everything that turns documents into <see cref="TaggerBatch"/>es and predictions back into spans:
/// the character vocabulary, the labels of a tag scheme, and optionally a word segmentation
/// (words and a lexicon for maximum matching) and dictionary features. Saved beside a checkpoint.
/// </summary>
public sealed class TaggerInputs
{
    private readonly Vocabulary chars;
    private readonly Vocabulary labels;
    private readonly Vocabulary? words;
    private readonly Vocabulary? bigrams;
    private readonly EntityAwareSegmenter? segmenter;
    private readonly DictionaryFeatures? dictionary;
    private readonly Vocabulary? dictionaryLabels;
    private readonly Dictionary<string, List<string>>? lexicons;
    private readonly SoftLexicon? softLexicon;

    /// <summary>Whether training batches segment with the gold entities kept whole (else as new text).</summary>
    public bool GoldSegmentationInTraining { get; }

    private TaggerInputs(Vocabulary chars, Vocabulary labels, TagScheme scheme, Vocabulary? words, IReadOnlyCollection<string>? segmentationLexicon,
        Dictionary<string, List<string>>? lexicons, Vocabulary? bigrams, bool goldSegmentation = true, SoftLexicon? softLexicon = null)
    {
        this.softLexicon = softLexicon;
        GoldSegmentationInTraining = goldSegmentation;
        this.bigrams = bigrams;
        this.chars = chars;
        this.labels = labels;
        Scheme = scheme;
        this.words = words;
        SegmentationLexicon = segmentationLexicon;
        if (segmentationLexicon is not null) segmenter = new EntityAwareSegmenter(segmentationLexicon);
        this.lexicons = lexicons;
        if (lexicons is not null)
        {
            dictionary = new DictionaryFeatures(lexicons.ToDictionary(kv => kv.Key, kv => (IEnumerable<string>)kv.Value));
            dictionaryLabels = Vocabulary.Of(dictionary.Labels);
        }
    }

    /// <summary>The tag scheme of the labels.</summary>
    public TagScheme Scheme { get; }

    /// <summary>Tag labels, "O" first.</summary>
    public IReadOnlyList<string> Labels => Enumerable.Range(0, labels.Count).Select(k => labels[k]).ToList();

    /// <summary>Character vocabulary size.</summary>
    public int CharCount => chars.Count;

    /// <summary>Word vocabulary size (0 without words).</summary>
    public int WordCount => words?.Count ?? 0;

    /// <summary>Bigram vocabulary size (0 without bigrams).</summary>
    public int BigramCount => bigrams?.Count ?? 0;

    /// <summary>SoftLexicon words with padding and its none word (0 without SoftLexicon sets).</summary>
    public int LexiconWordCount => softLexicon?.Words.Count ?? 0;

    /// <summary>The SoftLexicon of the word-set features, or null.</summary>
    public SoftLexicon? SoftLexicon => softLexicon;

    /// <summary>Dictionary feature labels (0 without dictionary features).</summary>
    public int DictionaryLabelCount => dictionaryLabels?.Count ?? 0;

    /// <summary>The terms the segmentation matches against (lexicon and training entities), or null.</summary>
    public IReadOnlyCollection<string>? SegmentationLexicon { get; }

    /// <summary>The character vocabulary (id ↔ character).</summary>
    public Vocabulary Characters => chars;

    /// <summary>The bigram vocabulary (id ↔ bigram), or null without bigrams.</summary>
    public Vocabulary? Bigrams => bigrams;

    /// <summary>The word vocabulary, or null.</summary>
    public Vocabulary? Words => words;

    /// <summary>
    /// Builds inputs from training documents: characters seen at least <paramref name="minCharCount"/>
    /// times; labels of <paramref name="scheme"/> for every type in the data; optionally words from the
    /// entity-aware segmentation (the lexicon plus the training entities) and typed dictionary lexicons.
    /// <paramref name="goldSegmentationInTraining"/> (the paper's method) keeps each training entity one word in training
    /// batches; off, training text is segmented as new text is, so words carry no boundary the model will not see at test
    /// time. <paramref name="softLexiconTerms"/> gives every character the SoftLexicon word sets of these terms, weighted by
    /// their frequencies in the training text.
    /// </summary>
    public static TaggerInputs Build(IReadOnlyList<Document> train, TagScheme scheme = TagScheme.BIO, int minCharCount = 1,
        IReadOnlyCollection<string>? segmentationLexicon = null, IReadOnlyDictionary<string, IEnumerable<string>>? dictionaryLexicons = null,
        int minBigramCount = 0, bool goldSegmentationInTraining = true, IEnumerable<string>? softLexiconTerms = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        var charVocab = Vocabulary.WithSpecials(train.SelectMany(d => d.Chars), minCharCount);
        var labelVocab = Vocabulary.Of(TagCodec.Labels(train.SelectMany(d => d.Entities).Select(e => e.Type), scheme));
        Vocabulary? wordVocab = null;
        IReadOnlyCollection<string>? terms = null;
        if (segmentationLexicon is not null)
        {
            var segmenter = new EntityAwareSegmenter(segmentationLexicon, train);
            terms = segmenter.Terms.Order(StringComparer.Ordinal).ToList();
            wordVocab = Vocabulary.WithSpecials(train.SelectMany(d => segmenter.Segment(d, keepGoldEntities: goldSegmentationInTraining)
                .Select(s => string.Concat(d.Chars.Skip(s.Start).Take(s.Length)))));
        }
        Vocabulary? bigramVocab = minBigramCount > 0 ? Vocabulary.WithSpecials(train.SelectMany(BigramsOf), minBigramCount) : null;
        var soft = softLexiconTerms is null ? null : SoftLexicon.Build(softLexiconTerms, train.Select(d => d.Chars));
        return new TaggerInputs(charVocab, labelVocab, scheme, wordVocab, terms,
            dictionaryLexicons?.ToDictionary(kv => kv.Key, kv => kv.Value.ToList()), bigramVocab, goldSegmentationInTraining, soft);
    }

    /// <summary>The model config these inputs imply, with <paramref name="customize"/> applied to the defaults.</summary>
    public SequenceTaggerConfig ModelConfig(Func<SequenceTaggerConfig, SequenceTaggerConfig>? customize = null)
    {
        var config = new SequenceTaggerConfig(CharCount, Labels, Scheme, WordVocabularySize: WordCount, DictionaryLabelCount: DictionaryLabelCount,
            BigramVocabularySize: BigramCount, LexiconWordCount: LexiconWordCount);
        return customize?.Invoke(config) ?? config;
    }

    /// <summary>Encodes documents into one padded batch (tags included when <paramref name="withTags"/>).</summary>
    /// <remarks>Nested entities cannot be tagged; they are left out of the gold tags (flat data loses nothing).</remarks>
    public TaggerBatch Encode(IReadOnlyList<Document> documents, bool withTags)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var charIds = documents.Select(d => (IReadOnlyList<long>)d.Chars.Select(c => (long)chars.Id(c)).ToArray()).ToList();
        var padded = Batching.Pad(charIds);
        long[] shape = [documents.Count, padded.Width];
        Tensor? wordTensor = null, dictTensor = null, tagTensor = null, bigramTensor = null;
        if (bigrams is not null)
            bigramTensor = tensor(Batching.Pad(documents.Select(d => (IReadOnlyList<long>)BigramsOf(d).Select(b => (long)bigrams.Id(b)).ToArray()).ToList()).Ids, shape);
        if (words is not null && segmenter is not null)
            wordTensor = tensor(Batching.Pad(documents.Select(d => (IReadOnlyList<long>)WordIds(d, withTags && GoldSegmentationInTraining)).ToList()).Ids, shape);
        if (dictionary is not null && dictionaryLabels is not null)
            dictTensor = tensor(Batching.Pad(documents.Select(d => (IReadOnlyList<long>)dictionary.Tag(d.Chars).Select(t => (long)dictionaryLabels.Id(t) + 1).ToArray()).ToList()).Ids, shape);
        var (lexiconWords, lexiconWeights) = softLexicon is null ? (null, null) : EncodeLexiconSets(documents, padded.Width);
        if (withTags)
            tagTensor = tensor(Batching.Pad(documents.Select(d => (IReadOnlyList<long>)TagIds(d)).ToList(), padId: -100).Ids, shape);
        return new TaggerBatch(tensor(padded.Ids, shape), tensor(padded.Mask, shape), padded.Lengths, wordTensor, dictTensor, tagTensor, bigramTensor,
            LexiconWords: lexiconWords, LexiconWeights: lexiconWeights);
    }

    // The SoftLexicon sets as (B, L, 4, K) ids and weights, K the largest set in the batch; padding has id 0 and weight 0.
    private (Tensor Ids, Tensor Weights) EncodeLexiconSets(IReadOnlyList<Document> documents, int width)
    {
        var sets = documents.Select(d => softLexicon!.Sets(d.Chars)).ToList();
        int k = Math.Max(1, sets.SelectMany(s => s).SelectMany(c => c).Max(set => (int?)set.Count) ?? 1);
        int perChar = SoftLexicon.SetCount * k;
        var ids = new long[documents.Count * width * perChar];
        var weights = new float[ids.Length];
        for (int b = 0; b < sets.Count; b++)
            for (int i = 0; i < sets[b].Length; i++)
                for (int s = 0; s < SoftLexicon.SetCount; s++)
                {
                    int at = ((b * width + i) * SoftLexicon.SetCount + s) * k;
                    foreach (var (word, weight) in sets[b][i][s])
                    {
                        ids[at] = word;
                        weights[at++] = weight;
                    }
                }
        long[] shape = [documents.Count, width, SoftLexicon.SetCount, k];
        return (tensor(ids, shape), tensor(weights, shape));
    }

    /// <summary>The spans of predicted tag ids (decoded leniently: an orphan I- starts an entity).</summary>
    public List<EntitySpan> Spans(IReadOnlyList<int> tagIds) => TagCodec.Decode(tagIds.Select(i => labels[i]).ToArray());

    private static IEnumerable<string> BigramsOf(Document d) => CharacterBigrams.Of(d.Chars);

    private long[] TagIds(Document d)
    {
        string[] tags = TagCodec.Encode(d.Length, d.Entities, Scheme, out _);
        return tags.Select(t => (long)labels.Id(t)).ToArray();
    }

    // Each character gets the id of the word (segment) that covers it; training documents keep their
    // gold entities whole (the paper's entity-aware segmentation) unless GoldSegmentationInTraining is off, new text relies
    // on the lexicon.
    private long[] WordIds(Document d, bool goldKnown)
    {
        var ids = new long[d.Length];
        foreach (Segment s in segmenter!.Segment(d, keepGoldEntities: goldKnown))
        {
            long id = words!.Id(string.Concat(d.Chars.Skip(s.Start).Take(s.Length)));
            for (int k = s.Start; k < s.End; k++) ids[k] = id;
        }
        return ids;
    }

    private sealed record Saved(string Scheme, List<string> Chars, List<string> Labels, List<string>? Words, List<string>? SegmentationLexicon,
        Dictionary<string, List<string>>? Lexicons, List<string>? Bigrams = null, bool? GoldSegmentation = null,
        List<string>? SoftLexiconWords = null, List<long>? SoftLexiconFrequencies = null);

    /// <summary>Writes the inputs as JSON.</summary>
    public void Save(string path)
    {
        var saved = new Saved(Scheme.ToString(), Enumerable.Range(0, chars.Count).Select(k => chars[k]).ToList(), Labels.ToList(),
            words is null ? null : Enumerable.Range(0, words.Count).Select(k => words[k]).ToList(), SegmentationLexicon?.ToList(), lexicons,
            bigrams is null ? null : Enumerable.Range(0, bigrams.Count).Select(k => bigrams[k]).ToList(), GoldSegmentationInTraining,
            softLexicon is null ? null : Enumerable.Range(2, softLexicon.Words.Count - 2).Select(k => softLexicon.Words[k]).ToList(),
            softLexicon?.Frequencies.Skip(2).ToList());
        File.WriteAllText(path, JsonSerializer.Serialize(saved));
    }

    /// <summary>Reads inputs written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">For a file that is not tagger inputs.</exception>
    public static TaggerInputs Load(string path)
    {
        Saved s;
        try { s = JsonSerializer.Deserialize<Saved>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: empty"); }
        catch (JsonException ex) { throw new InvalidDataException($"{path}: not tagger inputs: {ex.Message.Split(" Path:")[0]}", ex); }
        if (s.Chars is null || s.Labels is null || s.Scheme is null || !Enum.TryParse<TagScheme>(s.Scheme, out _))
            throw new InvalidDataException($"{path}: not tagger inputs (needs Chars, Labels and a Scheme of {string.Join(", ", Enum.GetNames<TagScheme>())})");
        if ((s.SoftLexiconWords is null) != (s.SoftLexiconFrequencies is null) || s.SoftLexiconWords?.Count != s.SoftLexiconFrequencies?.Count)
            throw new InvalidDataException($"{path}: SoftLexiconWords and SoftLexiconFrequencies must both be there, one frequency per word");
        SoftLexicon? soft;
        try { soft = s.SoftLexiconWords is null ? null : new SoftLexicon(s.SoftLexiconWords, s.SoftLexiconFrequencies!); }
        catch (ArgumentException ex) { throw new InvalidDataException($"{path}: {ex.Message}", ex); }
        return new TaggerInputs(Vocabulary.Of(s.Chars), Vocabulary.Of(s.Labels), Enum.Parse<TagScheme>(s.Scheme),
            s.Words is null ? null : Vocabulary.Of(s.Words), s.SegmentationLexicon, s.Lexicons, s.Bigrams is null ? null : Vocabulary.Of(s.Bigrams),
            s.GoldSegmentation ?? true,   // files from before the option: the paper's gold segmentation
            soft);
    }
}
