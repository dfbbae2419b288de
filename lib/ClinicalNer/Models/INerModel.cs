using ClinicalNer.Data;
using TorchBinding;

namespace ClinicalNer.Models;

/// <summary>
/// What the trainer needs from a model: its module, a loss on a batch of documents, batched
/// prediction, parameter groups, and saving/loading of everything that rebuilds it. The BiLSTM-CRF
/// family (<c>Tagging.TaggerModel</c>), the BERT taggers and span models and the feature CRF implement it (the model families
/// sit above this core and use it; it names none of them).
/// </summary>
public interface INerModel : IDisposable
{
    /// <summary>The trainable module.</summary>
    torch.nn.Module Network { get; }

    /// <summary>A short name for logs and the run store, e.g. "BiLSTM-CRF".</summary>
    string Kind { get; }

    /// <summary>The scalar training loss of a batch.</summary>
    torch.Tensor Loss(IReadOnlyList<Document> batch);

    /// <summary>Predicted spans per document (the model batches internally; eval mode is the caller's).</summary>
    IReadOnlyList<IReadOnlyList<EntitySpan>> Predict(IReadOnlyList<Document> documents);

    /// <summary>Predicted spans per document with a confidence in [0, 1] (a CRF's path probability, or a product of softmax maxima).</summary>
    IReadOnlyList<(IReadOnlyList<EntitySpan> Spans, double Confidence)> PredictWithConfidence(IReadOnlyList<Document> documents, int batchSize);

    /// <summary>The length that batching buckets by (characters, or tokens).</summary>
    int LengthOf(Document document);

    /// <summary>
    /// Optimizer parameter groups: decay exclusions, and <paramref name="headLearningRate"/> (null = the learning rate) for the
    /// new parameters of a model with a pretrained part.
    /// </summary>
    IEnumerable<torch.optim.ParamGroup> ParameterGroups(double learningRate, double weightDecay, double? headLearningRate = null);

    /// <summary>
    /// The parameters that came from pretraining (a BERT tagger's encoder), which RecAdam pulls toward their values at the
    /// start of fine-tuning; none for models trained from scratch.
    /// </summary>
    IEnumerable<torch.nn.Parameter> PretrainedParameters => [];

    /// <summary>
    /// The tables that turn input ids into vectors (characters, bigrams, words, dictionary labels; a BERT's word pieces), which
    /// adversarial training (<see cref="Training.TrainerOptions.Adversarial"/>) perturbs; none for a model without such tables.
    /// </summary>
    IEnumerable<torch.nn.Parameter> InputEmbeddings => [];

    /// <summary>Where the model's parameters are, and so where its batches are built and its steps run.</summary>
    torch.Device Device => Devices.Of(Network);

    /// <summary>
    /// Moves the model to <paramref name="device"/> (its parameters keep their identity, so do so before an optimizer is
    /// built over them); every later loss and prediction runs there.
    /// </summary>
    void MoveTo(torch.Device device) => Network.to(device);

    /// <summary>Writes weights and everything needed to rebuild the model into <paramref name="directory"/>.</summary>
    void Save(string directory);

    /// <summary>Loads weights saved by <see cref="Save"/> into this model (strict key and shape check).</summary>
    void LoadWeights(string directory);

    /// <summary>Hyper-parameters as JSON, for the run store.</summary>
    string ConfigJson { get; }

    /// <summary>
    /// The model spec it was built from, as JSON (the specs layer's builder sets it; <see cref="Save"/> writes it as
    /// <see cref="CheckpointFiles.SpecFile"/> and loading reads it back); null for a model made without one.
    /// </summary>
    string? SpecJson { get; set; }
}
