using ClinicalNer.Data;
using ClinicalNer.Models.Parts;
using TorchBinding;
using static TorchBinding.torch;
using ClinicalNer.Models.Specs;

namespace ClinicalNer.Models.Tagging;

/// <summary>
/// A <see cref="SequenceTagger"/> with the <see cref="TaggerInputs"/> that feed it, and the frozen feature providers whose
/// per-character features it concatenates with its embeddings (paper 4's fusion): a trainable, saveable NER model.
/// </summary>
public sealed class TaggerModel : INerModel
{
    /// <summary>Weights file in a checkpoint directory.</summary>
    public const string WeightsFile = CheckpointFiles.WeightsFile;
    /// <summary>Model config file in a checkpoint directory.</summary>
    public const string ConfigFile = "tagger.json";
    /// <summary>Vocabularies file in a checkpoint directory.</summary>
    public const string InputsFile = "inputs.json";

    /// <summary>Folder of the feature providers in a checkpoint directory (one subfolder per provider, by name).</summary>
    public const string FeaturesDir = "features";

    /// <summary>
    /// Wraps a model, its inputs and the providers its config names (in that order; a provider that is not a
    /// <see cref="CachedCharacterFeatures"/> gets a cache of its own). The model disposes the providers with itself unless
    /// <paramref name="ownsFeatures"/> is false: providers shared by several models (one cache computed once for all of them).
    /// </summary>
    public TaggerModel(SequenceTagger tagger, TaggerInputs inputs, IReadOnlyList<ICharacterFeatures>? features = null, bool ownsFeatures = true)
    {
        Tagger = tagger ?? throw new ArgumentNullException(nameof(tagger));
        Inputs = inputs ?? throw new ArgumentNullException(nameof(inputs));
        var expected = tagger.Config.FeatureProviders ?? [];
        var given = features ?? [];
        if (!expected.Select(p => (p.Name, p.Size)).SequenceEqual(given.Select(p => (p.Name, p.Size))))
            throw new ArgumentException($"the tagger was configured for feature providers [{string.Join(", ", expected.Select(p => $"{p.Name} {p.Size}"))}] " +
                                        $"but got [{string.Join(", ", given.Select(p => $"{p.Name} {p.Size}"))}]");
        var cachedFeatures = new List<CachedCharacterFeatures>();
        foreach (var p in given)
        {
            if (p is CachedCharacterFeatures cached)
            {
                cachedFeatures.Add(cached);
                if (ownsFeatures) disposables.Add(cached);
            }
            else
            {
                var cache = new CachedCharacterFeatures(p, ownsInner: ownsFeatures);   // the cache is the model's own, always disposed with it
                cachedFeatures.Add(cache);
                disposables.Add(cache);
            }
        }
        Features = cachedFeatures;
    }

    private readonly List<IDisposable> disposables = [];

    /// <summary>Builds a fresh model for the inputs, its weights drawn after seeding libtorch; <paramref name="features"/> are frozen providers to fuse.</summary>
    public static TaggerModel Create(TaggerInputs inputs, SequenceTaggerConfig config, int seed = 1, IReadOnlyList<ICharacterFeatures>? features = null,
        bool ownsFeatures = true)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(config);
        if (features is { Count: > 0 }) config = config with { FeatureProviders = features.Select(f => new FeatureProviderInfo(f.Name, f.Size)).ToList() };
        manual_seed(seed);
        return new TaggerModel(new SequenceTagger(config), inputs, features, ownsFeatures);
    }

    /// <summary>The frozen feature providers, cached per document.</summary>
    public IReadOnlyList<CachedCharacterFeatures> Features { get; }

    // The batch of these documents, with the providers' features when there are any, on the network's device (the
    // providers compute where they are, and their cache stays on the host).
    private TaggerBatch Encode(IReadOnlyList<Document> documents, bool withTags)
    {
        var batch = Inputs.Encode(documents, withTags);
        if (Features.Count > 0)
        {
            var parts = Features.Select(f => f.Compute(documents)).ToList();
            batch = batch with { Features = parts.Count == 1 ? parts[0] : cat(parts, 2) };
        }
        if (Tagger.Config.InputParts is { Count: > 0 } own)
            batch = batch with { Inputs = own.Select(p => p.Encode(documents, checked((int)batch.Chars.size(1)))).ToList() };
        return batch.To(Devices.Of(Tagger));
    }

    /// <summary>The network.</summary>
    public SequenceTagger Tagger { get; }
    /// <summary>Vocabularies and features.</summary>
    public TaggerInputs Inputs { get; }
    /// <inheritdoc/>
    public nn.Module Network => Tagger;
    /// <inheritdoc/>
    public string Kind => Tagger.Config.DisplayName;
    /// <inheritdoc/>
    public string ConfigJson => Tagger.Config.ToJson();

    /// <inheritdoc/>
    public string? SpecJson { get; set; }

    /// <inheritdoc/>
    public Tensor Loss(IReadOnlyList<Document> batch) => Tagger.Loss(Encode(batch, withTags: true));

    /// <inheritdoc/>
    public int LengthOf(Document document) => document?.Length ?? 0;

    /// <inheritdoc/>
    public IReadOnlyList<IReadOnlyList<EntitySpan>> Predict(IReadOnlyList<Document> documents) =>
        PredictWithConfidence(documents).Select(p => p.Spans).ToList();

    /// <inheritdoc/>
    public IReadOnlyList<(IReadOnlyList<EntitySpan> Spans, double Confidence)> PredictWithConfidence(IReadOnlyList<Document> documents, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var result = new (IReadOnlyList<EntitySpan>, double)[documents.Count];
        BatchedInference.ForEachChunk(documents, batchSize, d => d.Length, chunk =>
        {
            var (paths, confidence) = Tagger.Decode(Encode(chunk.Select(i => documents[i]).ToList(), withTags: false));
            for (int k = 0; k < chunk.Length; k++) result[chunk[k]] = (Inputs.Spans(paths[k]), confidence[k]);
        });
        return result;
    }

    /// <summary>The embedder's tables (characters, and words, bigrams, dictionary labels and SoftLexicon words when used).</summary>
    public IEnumerable<nn.Parameter> InputEmbeddings => Tagger.Embedder.Tables.Select(t => t.weight);

    /// <inheritdoc/>
    public IEnumerable<optim.ParamGroup> ParameterGroups(double learningRate, double weightDecay, double? headLearningRate = null) =>
        WeightDecayGroups.Split(Tagger.named_parameters(), learningRate, weightDecay);

    /// <inheritdoc/>
    public void Save(string directory)
    {
        CheckpointFiles.SaveSpec(directory, SpecJson);
        CheckpointFiles.SaveWeights(Tagger, directory, Kind);
        File.WriteAllText(Path.Combine(directory, ConfigFile), Tagger.Config.ToJson());
        Inputs.Save(Path.Combine(directory, InputsFile));
        foreach (var provider in Features) provider.Save(Path.Combine(directory, FeaturesDir, provider.Name));
    }

    /// <summary>Rebuilds a model saved by <see cref="Save"/>.</summary>
    /// <param name="directory">The checkpoint folder.</param>
    /// <param name="loadProvider">
    /// Opens a frozen feature provider the tagger was built with, from its folder in the checkpoint (the providers are other
    /// model families: the checkpoint loader above the families passes the registered ones); null when the checkpoint has none.
    /// </param>
    /// <exception cref="FileNotFoundException">When a checkpoint file is missing (named).</exception>
    /// <exception cref="InvalidDataException">When the weights do not fit the config (keys and shapes named).</exception>
    public static TaggerModel Load(string directory, Func<FeatureProviderInfo, string, ICharacterFeatures>? loadProvider = null)
    {
        CheckpointFiles.RequireFiles(directory, WeightsFile, ConfigFile, InputsFile);
        var config = SequenceTaggerConfig.FromJson(File.ReadAllText(Path.Combine(directory, ConfigFile)), Path.Combine(directory, ConfigFile));
        var providers = (config.FeatureProviders ?? []).Select(p => (loadProvider ?? throw new InvalidOperationException(
                $"{directory} fuses the frozen feature provider '{p.Name}': load the checkpoint through the library's checkpoint loader, which opens the providers"))(p, Path.Combine(directory, FeaturesDir, p.Name)))
            .ToList();
        var model = new TaggerModel(new SequenceTagger(config), TaggerInputs.Load(Path.Combine(directory, InputsFile)), providers);
        model.LoadWeights(directory);
        model.SpecJson = CheckpointFiles.ReadSpec(directory);
        return model;
    }

    /// <inheritdoc/>
    public void LoadWeights(string directory) => CheckpointFiles.LoadWeights(Tagger, directory);

    /// <inheritdoc/>
    public void Dispose()
    {
        Tagger.Dispose();
        foreach (var d in disposables) d.Dispose();
    }
}
