using ClinicalNer.Data;
using TorchBinding;

namespace ClinicalNer.Models;

/// <summary>
/// A model whose predictions pass through paper 2's label consistency check (<see cref="LabelConsistencyChecker"/>): it
/// trains, saves and loads as the model it wraps, and corrects the types of what it predicts. The checker is rebuilt from
/// the training data, not saved with the checkpoint.
/// </summary>
public sealed class ConsistencyCheckedModel(INerModel inner, LabelConsistencyChecker checker) : INerModel
{
    private readonly INerModel inner = inner ?? throw new ArgumentNullException(nameof(inner));
    private readonly LabelConsistencyChecker checker = checker ?? throw new ArgumentNullException(nameof(checker));

    /// <summary>The wrapped model.</summary>
    public INerModel Inner => inner;

    /// <inheritdoc/>
    public torch.nn.Module Network => inner.Network;

    /// <inheritdoc/>
    public string Kind => inner.Kind + " + consistency check";

    /// <inheritdoc/>
    public string ConfigJson => inner.ConfigJson;

    /// <inheritdoc/>
    public string? SpecJson
    {
        get => inner.SpecJson;
        set => inner.SpecJson = value;
    }

    /// <inheritdoc/>
    public torch.Tensor Loss(IReadOnlyList<Document> batch) => inner.Loss(batch);

    /// <inheritdoc/>
    public IReadOnlyList<IReadOnlyList<EntitySpan>> Predict(IReadOnlyList<Document> documents) => checker.Apply(documents, inner.Predict(documents)).Spans;

    /// <inheritdoc/>
    public IReadOnlyList<(IReadOnlyList<EntitySpan> Spans, double Confidence)> PredictWithConfidence(IReadOnlyList<Document> documents, int batchSize)
    {
        var raw = inner.PredictWithConfidence(documents, batchSize);
        var spans = checker.Apply(documents, raw.Select(r => r.Spans).ToList()).Spans;
        return raw.Select((r, i) => (spans[i], r.Confidence)).ToList();
    }

    /// <inheritdoc/>
    public int LengthOf(Document document) => inner.LengthOf(document);

    /// <inheritdoc/>
    public IEnumerable<torch.optim.ParamGroup> ParameterGroups(double learningRate, double weightDecay, double? headLearningRate = null) =>
        inner.ParameterGroups(learningRate, weightDecay, headLearningRate);

    /// <inheritdoc/>
    public IEnumerable<torch.nn.Parameter> PretrainedParameters => inner.PretrainedParameters;

    /// <inheritdoc/>
    public IEnumerable<torch.nn.Parameter> InputEmbeddings => inner.InputEmbeddings;

    /// <inheritdoc/>
    public void Save(string directory) => inner.Save(directory);

    /// <inheritdoc/>
    public void LoadWeights(string directory) => inner.LoadWeights(directory);

    /// <inheritdoc/>
    public void Dispose() => inner.Dispose();
}
