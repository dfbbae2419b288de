using ClinicalNer.Data;
using ClinicalNer.Models.Parts;
using ClinicalNer.Models.Tagging;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Models;

/// <summary>A <see cref="SequenceTagger"/> with the <see cref="TaggerInputs"/> that feed it: a trainable, saveable NER model.</summary>
public sealed class TaggerModel : INerModel
{
    /// <summary>Weights file in a checkpoint directory.</summary>
    public const string WeightsFile = NerCheckpoint.WeightsFile;
    /// <summary>Model config file in a checkpoint directory.</summary>
    public const string ConfigFile = "tagger.json";
    /// <summary>Vocabularies file in a checkpoint directory.</summary>
    public const string InputsFile = "inputs.json";

    /// <summary>Wraps a model and its inputs.</summary>
    public TaggerModel(SequenceTagger tagger, TaggerInputs inputs)
    {
        Tagger = tagger ?? throw new ArgumentNullException(nameof(tagger));
        Inputs = inputs ?? throw new ArgumentNullException(nameof(inputs));
    }

    /// <summary>Builds a fresh model for the inputs, its weights drawn after seeding libtorch.</summary>
    public static TaggerModel Create(TaggerInputs inputs, SequenceTaggerConfig config, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        manual_seed(seed);
        return new TaggerModel(new SequenceTagger(config), inputs);
    }

    /// <summary>The network.</summary>
    public SequenceTagger Tagger { get; }
    /// <summary>Vocabularies and features.</summary>
    public TaggerInputs Inputs { get; }
    /// <inheritdoc/>
    public nn.Module Network => Tagger;
    /// <inheritdoc/>
    public string Kind => Tagger.Config.Encoder switch
    {
        EncoderKind.BiLstm => "BiLSTM",
        EncoderKind.BiGru => "BiGRU",
        _ => "Embedding",
    } + (Tagger.Config.AttentionHeads > 0 ? "-Attention" : "") + (Tagger.Config.Decoder == DecoderKind.Crf ? "-CRF" : "-Softmax");
    /// <inheritdoc/>
    public string ConfigJson => Tagger.Config.ToJson();

    /// <inheritdoc/>
    public Tensor Loss(IReadOnlyList<Document> batch) => Tagger.Loss(Inputs.Encode(batch, withTags: true));

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
        // Sorting by length keeps padding low; results go back to the callers' order.
        var order = Enumerable.Range(0, documents.Count).OrderBy(i => documents[i].Length).ToArray();
        foreach (int[] chunk in order.Chunk(batchSize))
        {
            using var scope = NewDisposeScope();
            var (paths, confidence) = Tagger.Decode(Inputs.Encode(chunk.Select(i => documents[i]).ToList(), withTags: false));
            for (int k = 0; k < chunk.Length; k++) result[chunk[k]] = (Inputs.Spans(paths[k]), confidence[k]);
        }
        return result;
    }

    /// <inheritdoc/>
    public IEnumerable<optim.ParamGroup> ParameterGroups(double learningRate, double weightDecay, double? headLearningRate = null) =>
        WeightDecayGroups.Split(Tagger.named_parameters(), learningRate, weightDecay);

    /// <inheritdoc/>
    public void Save(string directory)
    {
        NerCheckpoint.SaveWeights(Tagger, directory, Kind);
        File.WriteAllText(Path.Combine(directory, ConfigFile), Tagger.Config.ToJson());
        Inputs.Save(Path.Combine(directory, InputsFile));
    }

    /// <summary>Rebuilds a model saved by <see cref="Save"/>.</summary>
    /// <exception cref="FileNotFoundException">When a checkpoint file is missing (named).</exception>
    /// <exception cref="InvalidDataException">When the weights do not fit the config (keys and shapes named).</exception>
    public static TaggerModel Load(string directory)
    {
        NerCheckpoint.RequireFiles(directory, WeightsFile, ConfigFile, InputsFile);
        var config = SequenceTaggerConfig.FromJson(File.ReadAllText(Path.Combine(directory, ConfigFile)), Path.Combine(directory, ConfigFile));
        var model = new TaggerModel(new SequenceTagger(config), TaggerInputs.Load(Path.Combine(directory, InputsFile)));
        model.LoadWeights(directory);
        return model;
    }

    /// <inheritdoc/>
    public void LoadWeights(string directory) => NerCheckpoint.LoadWeights(Tagger, directory);

    /// <inheritdoc/>
    public void Dispose() => Tagger.Dispose();
}
