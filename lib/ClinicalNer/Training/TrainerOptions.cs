using System.Text.Json.Serialization;
using TorchBinding;

namespace ClinicalNer.Training;

/// <summary>Optimizers the trainer can build.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OptimizerKind>))]
public enum OptimizerKind
{
    /// <summary>AdamW (decoupled weight decay).</summary>
    AdamW,
    /// <summary>Adam (L2 weight decay in the gradient).</summary>
    Adam,
    /// <summary>SGD with momentum 0.9.</summary>
    Sgd,
    /// <summary>RecAdam: AdamW whose pretrained parameters are pulled toward their starting values early on (<see cref="TrainerOptions.Recall"/>).</summary>
    RecAdam,
}

/// <summary>How one training run goes. Immutable; recorded in the run store.</summary>
/// <param name="Epochs">Passes over the training set (upper bound with early stopping).</param>
/// <param name="BatchSize">Documents per step.</param>
/// <param name="LearningRate">Peak learning rate.</param>
/// <param name="Optimizer">AdamW, Adam, SGD or RecAdam.</param>
/// <param name="WeightDecay">Weight decay (not applied to biases, norms, CRF transitions).</param>
/// <param name="WarmupFraction">Fraction of all steps with a linear warmup from 0.</param>
/// <param name="LinearDecay">Decay linearly to 0 at the last step after warmup.</param>
/// <param name="ClipNorm">Gradient norm bound (0 = none).</param>
/// <param name="Patience">Stop after this many evaluations without a better dev F1 (0 = never stop early).</param>
/// <param name="MaxSteps">Stop after this many optimizer steps (null = no limit).</param>
/// <param name="Seed">Seeds libtorch and the batch order.</param>
/// <param name="OutputDir">Where best/ and last/ checkpoints go (null = no checkpoints).</param>
/// <param name="HeadLearningRate">
/// Learning rate of the new parameters of a model built on a pretrained encoder (a BERT tagger's head; null = the
/// learning rate); models without a pretrained part ignore it.
/// </param>
/// <param name="WeightAveraging">
/// Decay of an exponential moving average of the trainable weights (e.g. 0.999), which is what is evaluated on dev, kept
/// as the best weights and saved; 0 = the raw weights.
/// </param>
/// <param name="Recall">RecAdam's schedule and pull (with <see cref="OptimizerKind.RecAdam"/>; null = its defaults).</param>
/// <param name="Device">
/// Where to train: the model is moved there before its optimizer is built (null = where the model already is;
/// <see cref="Models.Devices.Resolve"/> turns "auto" into CUDA when there is a GPU).
/// </param>
/// <param name="Bf16">
/// Mixed precision: the forward pass and the loss under bfloat16 autocast, weights, gradients and the optimizer in float32
/// (bfloat16 keeps float32's range, so no loss scaling is needed). On CUDA; and on a CPU with bfloat16 instructions
/// (AVX512_BF16 or AMX: <see cref="torch.cpu_has_bf16"/>), where training takes libtorch's thread pool for oneDNN's
/// bfloat16 products (<see cref="Threading.ForCpuAutocast"/>); refused on other CPUs, where it would be slower.
/// </param>
/// <param name="Adversarial">
/// Adversarial training (fast gradient method, <see cref="AdversarialPerturbation"/>): the norm ε of the step each input
/// embedding table takes along its gradient before a second loss is added to the step (e.g. 1.0; 0 = off). Each step
/// then costs a second forward and backward pass.
/// </param>
public sealed record TrainerOptions(
    int Epochs = 30,
    int BatchSize = 32,
    double LearningRate = 1e-3,
    OptimizerKind Optimizer = OptimizerKind.AdamW,
    double WeightDecay = 0.01,
    double WarmupFraction = 0.0,
    bool LinearDecay = false,
    double ClipNorm = 5.0,
    int Patience = 5,
    int? MaxSteps = null,
    int Seed = 1,
    string? OutputDir = null,
    double? HeadLearningRate = 1e-3,
    double WeightAveraging = 0,
    RecAdamOptions? Recall = null,
    [property: JsonConverter(typeof(Models.DeviceJsonConverter))] torch.Device? Device = null,
    bool Bf16 = false,
    double Adversarial = 0);

/// <summary>What happened: a step, or an epoch with its dev evaluation.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">Optimizer steps so far.</param>
/// <param name="StepsInEpoch">Steps of this epoch so far.</param>
/// <param name="EpochSteps">Steps per epoch.</param>
/// <param name="Loss">Loss of this step, or mean loss of the epoch.</param>
/// <param name="LearningRate">Current learning rate of the first group.</param>
/// <param name="CharsPerSecond">Training throughput so far in this epoch.</param>
/// <param name="Dev">Dev scores (epoch events only).</param>
/// <param name="IsBest">Whether this epoch set a new best dev F1.</param>
/// <param name="Seconds">Seconds this epoch took (epoch events only).</param>
/// <param name="Epochs">Epochs the run is set to (it may stop earlier); 0 when not known.</param>
public sealed record TrainingEvent(int Epoch, long Step, int StepsInEpoch, int EpochSteps, double Loss, double LearningRate, double CharsPerSecond,
    Evaluation.NerReport? Dev = null, bool IsBest = false, double Seconds = 0, int Epochs = 0)
{
    /// <summary>True for the end-of-epoch event.</summary>
    public bool IsEpochEnd => Dev is not null;
}

/// <summary>One epoch of the training history.</summary>
public sealed record EpochRecord(int Epoch, long Step, double TrainLoss, double DevPrecision, double DevRecall, double DevF1, double Seconds, double LearningRate);

/// <summary>The outcome of <see cref="Trainer.Fit"/>.</summary>
/// <param name="BestDevF1">Best strict dev F1.</param>
/// <param name="BestEpoch">The epoch that reached it.</param>
/// <param name="History">Every epoch.</param>
/// <param name="BestCheckpoint">Directory of the best checkpoint, or null without an output directory.</param>
/// <param name="StoppedEarly">Whether patience ran out.</param>
public sealed record TrainingResult(double BestDevF1, int BestEpoch, IReadOnlyList<EpochRecord> History, string? BestCheckpoint, bool StoppedEarly)
{
    /// <summary>One line: best dev F1, its epoch, epochs run, early stop, training seconds, where the best weights are.</summary>
    public string Summary => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"best dev F1 {BestDevF1 * 100:F2} at epoch {BestEpoch} of {History.Count}{(StoppedEarly ? " (stopped early)" : "")}" +
        $", {History.Sum(h => h.Seconds):F1}s{(BestCheckpoint is null ? "" : $", best weights in {BestCheckpoint}")}");

    /// <inheritdoc/>
    public override string ToString() => Summary;
}
