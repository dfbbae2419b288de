using System.Text.Json;
using ClinicalNer.Data;
using ClinicalNer.Models.Crf;
using ClinicalNer.Text;
using ClinicalNer.Text.Lexicon;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Models.FeatureCrf;

/// <summary>
/// The feature-based linear-chain CRF baseline: each position's emission scores are the sums of
/// the weights of its active hand features (<see cref="CharFeatures"/>), a sparse weight table
/// (features × tags) stored as an embedding, and the tag sequence is scored by the same
/// <see cref="ConditionalRandomField"/> as the neural taggers. Trained by the shared trainer.
/// </summary>
public sealed class FeatureCrfModel : INerModel
{
    /// <summary>The file that holds the feature CRF's vocabulary and labels in a checkpoint folder.</summary>
    public const string StateFile = "feature_crf.json";
    private readonly Vocabulary features;
    private readonly Vocabulary labels;
    private readonly DictionaryFeatures? dictionary;
    private readonly Dictionary<string, List<string>>? lexicons;
    private readonly EntityAwareSegmenter? segmenter;
    private readonly List<string>? segmentationTerms;
    private readonly bool goldSegmentation;
    private readonly FeatureNetwork network;

    private sealed class FeatureNetwork : nn.Module
    {
        public readonly TorchBinding.Modules.Embedding weights;
        public readonly ConditionalRandomField crf;

        public FeatureNetwork(int featureCount, IReadOnlyList<string> labels) : base("FeatureCrf")
        {
            weights = nn.Embedding(featureCount, labels.Count, padding_idx: 0);
            using (no_grad()) weights.weight.zero_();
            crf = new ConditionalRandomField(labels.Count, AllowedTransitions.For(TagScheme.BIO, labels));
            RegisterComponents();
        }
    }

    private FeatureCrfModel(Vocabulary features, Vocabulary labels, Dictionary<string, List<string>>? lexicons,
        List<string>? segmentationTerms = null, bool goldSegmentation = true)
    {
        this.features = features;
        this.labels = labels;
        this.lexicons = lexicons;
        this.segmentationTerms = segmentationTerms;
        this.goldSegmentation = goldSegmentation;
        if (segmentationTerms is not null) segmenter = new EntityAwareSegmenter(segmentationTerms);
        if (lexicons is not null) dictionary = new DictionaryFeatures(lexicons.ToDictionary(kv => kv.Key, kv => (IEnumerable<string>)kv.Value));
        network = new FeatureNetwork(features.Count, Enumerable.Range(0, labels.Count).Select(k => labels[k]).ToList());
    }

    /// <summary>
    /// Builds the feature vocabulary (features seen at least <paramref name="minCount"/> times) and labels from training
    /// documents. With <paramref name="segmentationLexicon"/>, each character also has the position in its word (B, M, E, S)
    /// and the word itself of paper 2's entity-aware segmentation (the lexicon plus the training entities; training text keeps
    /// its gold entities whole unless <paramref name="goldSegmentation"/> is off), as the neural models' word inputs do.
    /// </summary>
    /// <remarks>The CRF's transitions are drawn after seeding libtorch with <paramref name="seed"/>, so a model (and its run's key)
    /// does not depend on what ran before it in the process.</remarks>
    public static FeatureCrfModel Build(IReadOnlyList<Document> train, int minCount = 1, IReadOnlyDictionary<string, IEnumerable<string>>? dictionaryLexicons = null,
        IReadOnlyCollection<string>? segmentationLexicon = null, bool goldSegmentation = true, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(train);
        var lex = dictionaryLexicons?.ToDictionary(kv => kv.Key, kv => kv.Value.ToList());
        DictionaryFeatures? dict = lex is null ? null : new DictionaryFeatures(lex.ToDictionary(kv => kv.Key, kv => (IEnumerable<string>)kv.Value));
        var terms = segmentationLexicon is null ? null
            : new EntityAwareSegmenter(segmentationLexicon, train).Terms.Order(StringComparer.Ordinal).ToList();
        var segmenter = terms is null ? null : new EntityAwareSegmenter(terms);
        var all = train.SelectMany(d => FeaturesOf(d, dict, segmenter, goldSegmentation).SelectMany(f => f));
        var counts = all.GroupBy(f => f, StringComparer.Ordinal).Where(g => g.Count() >= minCount).Select(g => g.Key).Order(StringComparer.Ordinal);
        var featureVocab = Vocabulary.Of(counts.Prepend("<pad>"));
        var types = train.SelectMany(d => d.Entities).Select(e => e.Type).Distinct().Order(StringComparer.Ordinal);
        var labelVocab = Vocabulary.Of(types.SelectMany(t => new[] { "B-" + t, "I-" + t }).Prepend("O"));
        manual_seed(seed);
        return new FeatureCrfModel(featureVocab, labelVocab, lex, terms, goldSegmentation);
    }

    /// <inheritdoc/>
    public nn.Module Network => network;
    /// <inheritdoc/>
    public string Kind => "Feature-CRF";
    /// <inheritdoc/>
    // Without segmentation features the config reads as it did before them, so runs keyed by it keep their keys.
    public string ConfigJson => segmentationTerms is null
        ? JsonSerializer.Serialize(new { Features = features.Count, Labels = labels.Count, Dictionary = lexicons is not null })
        : JsonSerializer.Serialize(new { Features = features.Count, Labels = labels.Count, Dictionary = lexicons is not null,
            Segmentation = segmentationTerms.Count, GoldSegmentation = goldSegmentation });

    /// <inheritdoc/>
    public string? SpecJson { get; set; }
    /// <summary>Features in the vocabulary.</summary>
    public int FeatureCount => features.Count;

    // Training documents (gold known) keep their entities whole in the segmentation when the model says so; new text never.
    private static List<string[]> FeaturesOf(Document d, DictionaryFeatures? dict, EntityAwareSegmenter? segmenter, bool goldKnown)
    {
        string[]? tags = dict?.Tag(d.Chars);
        string[]? words = null;
        if (segmenter is not null)
        {
            words = new string[d.Length];
            foreach (var segment in segmenter.Segment(d, goldKnown))
            {
                string word = string.Concat(d.Chars.Skip(segment.Start).Take(segment.Length));
                for (int k = segment.Start; k < segment.End; k++)
                {
                    string place = segment.Length == 1 ? "S" : k == segment.Start ? "B" : k == segment.End - 1 ? "E" : "M";
                    words[k] = $"{place}|{word}";
                }
            }
        }
        return Enumerable.Range(0, d.Length).Select(i => CharFeatures.At(d.Chars, i, tags, words).ToArray()).ToList();
    }

    // (B, L, K) feature ids (0 = none), (B, L) mask, (B, L) tag ids.
    private (Tensor Features, Tensor Mask, Tensor? Tags) Encode(IReadOnlyList<Document> docs, bool withTags)
    {
        int width = Math.Max(1, docs.Max(d => d.Length));
        var perDoc = docs.Select(d => FeaturesOf(d, dictionary, segmenter, withTags && goldSegmentation)).ToList();
        int k = perDoc.SelectMany(p => p).Select(f => f.Length).DefaultIfEmpty(1).Max();
        var ids = new long[docs.Count * width * k];
        var mask = new bool[docs.Count * width];
        var tagIds = new long[docs.Count * width];
        for (int b = 0; b < docs.Count; b++)
        {
            string[]? gold = withTags ? TagCodec.Encode(docs[b].Length, docs[b].Entities, TagScheme.BIO, out _) : null;
            for (int t = 0; t < docs[b].Length; t++)
            {
                mask[b * width + t] = true;
                if (gold is not null) tagIds[b * width + t] = labels.Id(gold[t]);
                string[] f = perDoc[b][t];
                for (int j = 0; j < f.Length; j++) ids[(b * width + t) * k + j] = features.TryId(f[j], out int id) ? id : 0; // unseen: no weight
            }
        }
        var device = Devices.Of(Network);   // built on the host, used where the weights are
        return (Devices.Move(tensor(ids, [docs.Count, width, k]), device), Devices.Move(tensor(mask, [docs.Count, width]), device),
            withTags ? Devices.Move(tensor(tagIds, [docs.Count, width]), device) : null);
    }

    private Tensor Emissions(Tensor featureIds) => network.weights.call(featureIds).sum(2);      // (B, L, K, T) → (B, L, T)

    /// <inheritdoc/>
    public Tensor Loss(IReadOnlyList<Document> batch)
    {
        var (f, mask, tags) = Encode(batch, withTags: true);
        return network.crf.Loss(Emissions(f), tags!, mask);
    }

    /// <inheritdoc/>
    public IReadOnlyList<IReadOnlyList<EntitySpan>> Predict(IReadOnlyList<Document> documents) =>
        PredictWithConfidence(documents, 64).Select(p => p.Spans).ToList();

    /// <inheritdoc/>
    public IReadOnlyList<(IReadOnlyList<EntitySpan> Spans, double Confidence)> PredictWithConfidence(IReadOnlyList<Document> documents, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var result = new List<(IReadOnlyList<EntitySpan>, double)>(documents.Count);
        foreach (var chunk in documents.Chunk(Math.Max(1, batchSize)))
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var nonEmpty = chunk.Where(d => d.Length > 0).ToList();
            IReadOnlyList<int[]> paths = [];
            double[] probability = [];
            if (nonEmpty.Count > 0)
            {
                var (f, mask, _) = Encode(nonEmpty, withTags: false);
                var (best, p) = network.crf.DecodeWithProbability(Emissions(f), mask);
                (paths, probability) = (best.Paths, p);
            }
            int k = 0;
            foreach (Document d in chunk)
            {
                if (d.Length == 0) { result.Add(([], 1.0)); continue; }
                result.Add((TagCodec.Decode(paths[k].Select(i => labels[i]).ToArray()), probability[k]));
                k++;
            }
        }
        return result;
    }

    /// <inheritdoc/>
    public int LengthOf(Document document) => document?.Length ?? 0;

    /// <inheritdoc/>
    public IEnumerable<optim.ParamGroup> ParameterGroups(double learningRate, double weightDecay, double? headLearningRate = null) =>
        [new optim.ParamGroup(network.parameters(), learningRate, weightDecay)];

    /// <inheritdoc/>
    public void Save(string directory)
    {
        CheckpointFiles.SaveSpec(directory, SpecJson);
        CheckpointFiles.SaveWeights(network, directory, Kind);
        File.WriteAllText(Path.Combine(directory, StateFile), JsonSerializer.Serialize(new Saved(
            Enumerable.Range(0, features.Count).Select(k => features[k]).ToList(), Enumerable.Range(0, labels.Count).Select(k => labels[k]).ToList(), lexicons,
            segmentationTerms, goldSegmentation)));
    }

    /// <summary>Loads a model saved by <see cref="Save"/>.</summary>
    public static FeatureCrfModel Load(string directory)
    {
        var saved = JsonSerializer.Deserialize<Saved>(File.ReadAllText(Path.Combine(directory, StateFile)))
            ?? throw new InvalidDataException($"{directory}: empty feature CRF state");
        var model = new FeatureCrfModel(Vocabulary.Of(saved.Features), Vocabulary.Of(saved.Labels), saved.Lexicons, saved.SegmentationTerms,
            saved.GoldSegmentation ?? true);
        model.LoadWeights(directory);
        model.SpecJson = CheckpointFiles.ReadSpec(directory);
        return model;
    }

    /// <inheritdoc/>
    public void LoadWeights(string directory) => CheckpointFiles.LoadWeights(network, directory);

    private sealed record Saved(List<string> Features, List<string> Labels, Dictionary<string, List<string>>? Lexicons,
        List<string>? SegmentationTerms = null, bool? GoldSegmentation = null);

    /// <inheritdoc/>
    public void Dispose() => network.Dispose();
}
