using System.Diagnostics;
using System.Text.Json;
using ClinicalNer.Models;
using ClinicalNer.Data;
using ClinicalNer.Evaluation;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Training;

/// <summary>
/// The one trainer for every model of the project. Reads top to bottom: build the optimizer and the
/// schedule, then per epoch shuffle into length buckets, step with clipping, evaluate on dev with
/// the strict scorer, keep the best checkpoint, stop when patience runs out. Every epoch also writes
/// a last/ checkpoint (weights, optimizer state, schedule, RNG) from which <see cref="Fit"/> resumes exactly.
/// </summary>
public sealed class Trainer
{
    /// <summary>Best checkpoint directory name under the output directory.</summary>
    public const string BestDir = "best";
    /// <summary>Resume checkpoint directory name under the output directory.</summary>
    public const string LastDir = "last";
    private const string OptimizerFile = "optimizer.safetensors";
    private const string StateFile = "trainer_state.json";
    private const string AverageFile = "weight_average.safetensors";

    private readonly TrainerOptions options;

    /// <summary>Creates a trainer with the given options.</summary>
    public Trainer(TrainerOptions options) => this.options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>The options this trainer runs with (progress displays read the epoch count from them).</summary>
    public TrainerOptions Options => options;

    /// <summary>Called with every step and epoch event (progress bars, live curves, the run store).</summary>
    public event Action<TrainingEvent>? Progress;

    /// <summary>
    /// Trains <paramref name="model"/> (resuming from OutputDir/last when <paramref name="resume"/> and it exists) and returns
    /// with the model holding the weights of its best dev epoch (<see cref="TrainingResult.BestEpoch"/>), from best/ or, without
    /// an output folder, from a copy kept in memory, whatever the epochs after it did.
    /// </summary>
    public TrainingResult Fit(INerModel model, IReadOnlyList<Document> train, IReadOnlyList<Document> dev, bool resume = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(dev);
        if (train.Count == 0) throw new ArgumentException("no training documents", nameof(train));

        // 1. Device, optimizer and schedule (the optimizer's state is created beside the parameters, so the move comes first).
        if (options.Device is { } device && model.Device != device) model.MoveTo(device);
        if (options.Bf16 && model.Device.type == DeviceType.CPU && !cpu_has_bf16())
            throw new ArgumentException("bf16 mixed precision on this CPU would be slower than float32: it has no bfloat16 instructions (AVX512_BF16 or AMX), "
                + "so oneDNN would emulate them; train in float32 (leave out --bf16)", nameof(model));
        if (options.Bf16 && model.Device.type is not (DeviceType.CPU or DeviceType.CUDA))
            throw new ArgumentException($"bf16 mixed precision is for CUDA and CPU devices; this model is on {model.Device}", nameof(model));
        bool cpuAutocast = options.Bf16 && model.Device.type == DeviceType.CPU;
        if (options.Adversarial < 0 || !double.IsFinite(options.Adversarial))
            throw new ArgumentException($"the adversarial step's norm is {options.Adversarial}; it must be 0 (off) or a positive number", nameof(model));
        using var adversarial = options.Adversarial > 0 ? AdversarialFor(model, options.Adversarial) : null;
        // Data-parallel (a torch.distributed group of several ranks): BatchSize is each rank's; a step reads one global batch.
        var parallel = DataParallel.Current;
        int worldSize = parallel?.WorldSize ?? 1, globalBatch = options.BatchSize * worldSize;
        bool main = parallel?.IsMain ?? true;
        string? outputDir = main ? options.OutputDir : null;   // rank 0 alone writes checkpoints
        int stepsPerEpoch = (train.Count + globalBatch - 1) / globalBatch;
        long totalSteps = Math.Min((long)stepsPerEpoch * options.Epochs, options.MaxSteps ?? long.MaxValue);
        var groups = model.ParameterGroups(options.LearningRate, options.WeightDecay, options.HeadLearningRate).Where(g => g.Parameters.Count > 0).ToList();
        using optim.Optimizer optimizer = options.Optimizer switch
        {
            OptimizerKind.Adam => new TorchBinding.Modules.Adam(groups, options.LearningRate, weight_decay: options.WeightDecay),
            OptimizerKind.Sgd => new TorchBinding.Modules.SGD(groups, options.LearningRate, momentum: 0.9, weight_decay: options.WeightDecay),
            OptimizerKind.RecAdam => new RecAdam(groups, PretrainedOf(model), options.Recall, options.LearningRate, weightDecay: options.WeightDecay),
            _ => new TorchBinding.Modules.AdamW(groups, options.LearningRate, weight_decay: options.WeightDecay),
        };
        long warmup = (long)(options.WarmupFraction * totalSteps);
        var schedule = new optim.lr_scheduler.LambdaLR(optimizer, TrainingState.WarmupThenLinearDecay(warmup, totalSteps, options.LinearDecay));

        // 2. State, possibly resumed; the weight average (when asked for) starts at the initial weights.
        using var average = options.WeightAveraging > 0 ? new WeightAverage(model.Network, options.WeightAveraging) : null;
        var state = new RunState();
        string? lastDir = options.OutputDir is null ? null : CheckpointFolder.Resolve(Path.Combine(options.OutputDir, LastDir));
        if (resume && lastDir is not null && File.Exists(Path.Combine(lastDir, StateFile)))
            state = Restore(model, optimizer, schedule, average, lastDir);
        else manual_seed(options.Seed);
        parallel?.BroadcastFromMain(model.Network);

        // 3. Epochs. Without an output folder the best epoch's weights are kept in memory (copies, CPU or GPU alike).
        int[] lengths = train.Select(model.LengthOf).ToArray();
        var parameters = model.Network.parameters().ToList();
        using var reducer = parallel?.Reducer(parameters);
        bool stoppedEarly = false;
        using var bestInMemory = new WeightSnapshot();
        for (int epoch = state.Epoch + 1; epoch <= options.Epochs && state.Step < totalSteps && !stoppedEarly; epoch++)
        {
            model.Network.train();
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            long chars = 0;
            int done = 0;
            // The training steps of a CPU bfloat16 run give the cores to oneDNN; the dev evaluation (float32) gets them back.
            var cpuThreads = cpuAutocast ? Threading.ForCpuAutocast() : null;
            try
            {
                foreach (int[] globalIndices in Batching.Buckets(lengths, globalBatch, options.Seed * 1000 + epoch))
                {
                    if (state.Step >= totalSteps) break;
                    int[] batchIndices = parallel?.Shard(globalIndices) ?? globalIndices;
                    var batch = batchIndices.Select(i => train[i]).ToList();
                    double loss;
                    using (var scope = NewDisposeScope())
                    {
                        Tensor LossOfBatch()
                        {
                            Tensor value;
                            using (options.Bf16 ? autocast(model.Device.type, ScalarType.BFloat16) : null) value = model.Loss(batch);
                            return value.dtype == ScalarType.Float32 ? value : value.@float();   // a head left in bfloat16 by autocast
                        }
                        // A rank whose share of a short last batch is empty contributes a zero gradient.
                        var lossTensor = batch.Count > 0 ? LossOfBatch() : null;
                        optimizer.zero_grad();
                        // The buckets are reduced during the backward pass; with the adversarial step, after both passes.
                        reducer?.prepare_for_backward(lossTensor, DataParallel.Weight(batchIndices.Length, globalIndices.Length), overlap: adversarial is null);
                        lossTensor?.backward();
                        if (adversarial is not null && lossTensor is not null)
                        {
                            // The gradient at the perturbed embeddings adds to the clean one; the step starts from the clean tables.
                            adversarial.Perturb();
                            try { LossOfBatch().backward(); }
                            finally { adversarial.Restore(); }
                        }
                        reducer?.finalize_backward();
                        if (options.ClipNorm > 0) nn.utils.clip_grad_norm_(parameters, options.ClipNorm);
                        optimizer.step();
                        schedule.step();
                        average?.Update();
                        loss = lossTensor?.item<float>() ?? 0;
                    }
                    if (!double.IsFinite(loss)) throw new InvalidOperationException($"training diverged: loss {loss} at step {state.Step + 1} (epoch {epoch}); lower the learning rate");
                    state.Step++;
                    done++;
                    lossSum += loss;
                    chars += batchIndices.Sum(i => (long)lengths[i]);
                    Progress?.Invoke(new TrainingEvent(epoch, state.Step, done, stepsPerEpoch, loss, optimizer.ParamGroups[0].LearningRate, chars / clock.Elapsed.TotalSeconds,
                        Epochs: options.Epochs));
                }
            }
            finally
            {
                cpuThreads?.Dispose();
            }

            // Evaluate (the averaged weights when averaging), keep the best, maybe stop; data-parallel, rank 0 evaluates and
            // every rank takes its scores, so all stop at the same epoch.
            NerReport? report = null;
            double[] dev3 = [0, 0, 0];
            bool isBest;
            using (average?.Applied())
            {
                if (main)
                {
                    report = Evaluate(model, dev);
                    dev3 = [report.Micro.Precision, report.Micro.Recall, report.Micro.F1];
                }
                if (parallel is not null) dev3 = parallel.FromMain(dev3);
                isBest = dev3[2] > state.BestF1 || state.BestEpoch == 0;
                if (isBest && outputDir is not null) CheckpointFolder.Replace(Path.Combine(outputDir, BestDir), model.Save);
                else if (isBest && main) bestInMemory.Take(model.Network);
            }
            double seconds = clock.Elapsed.TotalSeconds;
            var record = new EpochRecord(epoch, state.Step, lossSum / Math.Max(1, done), dev3[0], dev3[1], dev3[2], seconds,
                optimizer.ParamGroups[0].LearningRate);
            state.History.Add(record);
            if (isBest)
            {
                state.BestF1 = dev3[2];
                state.BestEpoch = epoch;
                state.SinceBest = 0;
            }
            else state.SinceBest++;
            stoppedEarly = options.Patience > 0 && state.SinceBest >= options.Patience;
            state.Epoch = epoch;
            if (outputDir is not null) SaveLast(model, optimizer, average, state, Path.Combine(outputDir, LastDir));
            Progress?.Invoke(new TrainingEvent(epoch, state.Step, done, stepsPerEpoch, record.TrainLoss, record.LearningRate, chars / seconds, report, isBest, seconds,
                options.Epochs));
        }
        // 4. End holding the best epoch's weights, whatever came after it (with averaging the model holds raw weights now);
        // data-parallel, the other ranks wait until rank 0's best/ is written, then read it too.
        parallel?.Barrier();
        if (state.BestEpoch > 0 && state.History.Count > 0 && (state.History[^1].Epoch != state.BestEpoch || average is not null))
        {
            if (options.OutputDir is not null) model.LoadWeights(CheckpointFolder.Resolve(Path.Combine(options.OutputDir, BestDir)));
            else if (main) bestInMemory.RestoreInto(model.Network);
        }
        return new TrainingResult(state.BestF1, state.BestEpoch, state.History,
            options.OutputDir is null ? null : Path.Combine(options.OutputDir, BestDir), stoppedEarly);
    }

    private static AdversarialPerturbation AdversarialFor(INerModel model, double epsilon)
    {
        var tables = model.InputEmbeddings.Where(p => p.requires_grad).ToList();
        return tables.Count > 0 ? new AdversarialPerturbation(tables, epsilon)
            : throw new ArgumentException($"adversarial training perturbs trainable input embedding tables, and {model.Kind} has none", nameof(model));
    }

    private static List<nn.Parameter> PretrainedOf(INerModel model)
    {
        var pretrained = model.PretrainedParameters.Where(p => p.requires_grad).ToList();
        return pretrained.Count > 0 ? pretrained
            : throw new ArgumentException($"RecAdam pulls pretrained parameters toward their starting values, and {model.Kind} has none; use AdamW");
    }

    /// <summary>Strict scores of the model on documents (eval mode, no gradients).</summary>
    public static NerReport Evaluate(INerModel model, IReadOnlyList<Document> documents)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(documents);
        model.Network.eval();
        using var _ = no_grad();
        var predicted = model.Predict(documents);
        return NerMetrics.Strict(documents.Select(d => d.Entities).ToList(), predicted);
    }

    private sealed class RunState
    {
        public int Epoch { get; set; }
        public long Step { get; set; }
        public double BestF1 { get; set; }
        public int BestEpoch { get; set; }
        public int SinceBest { get; set; }
        public List<EpochRecord> History { get; set; } = [];
    }

    private static void SaveLast(INerModel model, optim.Optimizer optimizer, WeightAverage? average, RunState state, string dir) => CheckpointFolder.Replace(dir, folder =>
    {
        model.Save(folder);
        TrainingState.SaveOptimizer(optimizer, Path.Combine(folder, OptimizerFile));
        average?.Save(Path.Combine(folder, AverageFile));
        File.WriteAllText(Path.Combine(folder, StateFile), JsonSerializer.Serialize(
            new { state.Epoch, state.Step, state.BestF1, state.BestEpoch, state.SinceBest, state.History, OptimizerSteps = optimizer.StepCount }));
    });

    private static RunState Restore(INerModel model, optim.Optimizer optimizer, optim.lr_scheduler.LambdaLR schedule, WeightAverage? average, string dir)
    {
        string averageFile = Path.Combine(dir, AverageFile);
        if (average is not null && !File.Exists(averageFile))
            throw new InvalidOperationException($"{dir}: this run was started without weight averaging; resume it with the averaging it started with, or start a new run");
        if (average is null && File.Exists(averageFile))
            throw new InvalidOperationException($"{dir}: this run was started with weight averaging; resume it with the same averaging decay");
        var (state, optimizerSteps) = CheckpointFolder.ReadJson(Path.Combine(dir, StateFile), root => (new RunState
        {
            Epoch = root.GetProperty("Epoch").GetInt32(),
            Step = root.GetProperty("Step").GetInt64(),
            BestF1 = root.GetProperty("BestF1").GetDouble(),
            BestEpoch = root.GetProperty("BestEpoch").GetInt32(),
            SinceBest = root.GetProperty("SinceBest").GetInt32(),
            History = root.GetProperty("History").Deserialize<List<EpochRecord>>() ?? [],
        }, root.GetProperty("OptimizerSteps").GetInt64()));
        model.LoadWeights(dir);
        average?.Load(averageFile);
        TrainingState.RestoreOptimizer(optimizer, optimizerSteps, schedule, state.Step, Path.Combine(dir, OptimizerFile));
        return state;
    }
}
