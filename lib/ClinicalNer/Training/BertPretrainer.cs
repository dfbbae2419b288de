using System.Diagnostics;
using System.Text.Json;
using ClinicalNer.Models;
using ClinicalNer.Models.Bert;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Training;

/// <summary>How a pretraining run goes (google-research/bert's run_pretraining flags where they exist).</summary>
/// <param name="Steps">Optimizer steps in all (num_train_steps).</param>
/// <param name="BatchSize">Instances per step (train_batch_size).</param>
/// <param name="LearningRate">Peak learning rate.</param>
/// <param name="WarmupSteps">Linear warmup from 0 (num_warmup_steps); then linear decay to 0 at the last step.</param>
/// <param name="WeightDecay">AdamW decay, not applied to LayerNorm and biases.</param>
/// <param name="ClipNorm">Global gradient norm bound.</param>
/// <param name="LogEvery">Steps between logged MLM/NSP accuracies (averaged over those steps).</param>
/// <param name="SaveEvery">Steps between checkpoints.</param>
/// <param name="Seed">Seeds libtorch and the instance sampling.</param>
public sealed record PretrainerOptions(int Steps = 10_000, int BatchSize = 32, double LearningRate = 1e-4, int WarmupSteps = 1_000,
    double WeightDecay = 0.01, double ClipNorm = 1.0, int LogEvery = 50, int SaveEvery = 500, int Seed = 1);

/// <summary>Averages over the last logging interval.</summary>
/// <param name="Step">Steps done.</param>
/// <param name="Loss">Mean total loss.</param>
/// <param name="MlmAccuracy">Mean MLM accuracy over masked tokens.</param>
/// <param name="NspAccuracy">Mean NSP accuracy.</param>
/// <param name="LearningRate">Current learning rate.</param>
/// <param name="TokensPerSecond">Throughput over the interval.</param>
/// <param name="Seconds">Wall time since the run (or the resume) started.</param>
public sealed record PretrainingLog(long Step, double Loss, double MlmAccuracy, double NspAccuracy, double LearningRate, double TokensPerSecond, double Seconds);

/// <summary>
/// Masked-LM + next-sentence pretraining of a <see cref="BertForPreTraining"/>: AdamW (no decay on LayerNorm and
/// biases), warmup then linear decay, gradient clipping, logging, and checkpoints in Hugging Face layout
/// (<c>model.safetensors</c>, <c>config.json</c>, <c>vocab.txt</c>) that fine-tuning loads and that a run resumes
/// from exactly (optimizer moments, step, RNG states).
/// </summary>
public sealed class BertPretrainer
{
    private const string OptimizerFile = "optimizer.safetensors";
    private const string StateFile = "pretraining_state.json";
    private readonly PretrainerOptions options;

    /// <summary>Creates the pretrainer.</summary>
    public BertPretrainer(PretrainerOptions options) => this.options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Raised every <see cref="PretrainerOptions.LogEvery"/> steps.</summary>
    public event Action<PretrainingLog>? Logged;

    /// <summary>Raised after each step (step number), for progress bars.</summary>
    public event Action<long>? Stepped;

    /// <summary>Trains <paramref name="model"/> on <paramref name="data"/>; checkpoints go to <paramref name="outputDir"/> (resumed from when it holds one and <paramref name="resume"/>).</summary>
    /// <param name="model">The model (its weights are replaced by the checkpoint's on resume).</param>
    /// <param name="data">Instances come from here.</param>
    /// <param name="outputDir">Checkpoint folder, or null for none.</param>
    /// <param name="resume">Continue from the checkpoint in <paramref name="outputDir"/> when there is one.</param>
    /// <param name="stopAfter">Stop after this step as if interrupted (the schedule still ends at <see cref="PretrainerOptions.Steps"/>).</param>
    /// <returns>Every log, those of a resumed run's earlier part included.</returns>
    public IReadOnlyList<PretrainingLog> Run(BertForPreTraining model, PretrainingData data, string? outputDir, bool resume = false, long? stopAfter = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var groups = WeightDecayGroups.Split(model.named_parameters(), options.LearningRate, options.WeightDecay).ToList();
        using var optimizer = new TorchBinding.Modules.AdamW(groups, options.LearningRate, weight_decay: options.WeightDecay, eps: 1e-6);
        var schedule = new optim.lr_scheduler.LambdaLR(optimizer, TrainingState.WarmupThenLinearDecay(options.WarmupSteps, options.Steps));

        long step = 0;
        var logs = new List<PretrainingLog>();
        Random rng;
        if (resume && outputDir is not null && File.Exists(Path.Combine(outputDir, StateFile)))
            (step, rng) = Restore(model, optimizer, schedule, outputDir, logs);
        else
        {
            manual_seed(options.Seed);
            rng = new Random(options.Seed);
        }

        // Data-parallel (a torch.distributed group of several ranks): BatchSize is each rank's; every rank draws the same
        // global batch and trains on its share; rank 0 alone saves.
        var parallel = DataParallel.Current;
        int globalBatch = options.BatchSize * (parallel?.WorldSize ?? 1);
        bool main = parallel?.IsMain ?? true;
        parallel?.BroadcastFromMain(model);
        var parameters = model.parameters().ToList();
        using var reducer = parallel?.Reducer(parameters);   // gradients averaged during the backward pass
        var device = Devices.Of(model);   // batches go where the model is (the caller moves it before the run)
        var clock = Stopwatch.StartNew();
        double lossSum = 0, mlmSum = 0, nspSum = 0;
        long tokens = 0;
        int count = 0;
        var intervalClock = Stopwatch.StartNew();
        model.train();
        var instances = Endless(data, rng).GetEnumerator();
        while (step < Math.Min(options.Steps, stopAfter ?? long.MaxValue))
        {
            var globalInstances = new List<PretrainingInstance>(globalBatch);
            while (globalInstances.Count < globalBatch && instances.MoveNext()) globalInstances.Add(instances.Current);
            var batchInstances = parallel is null ? globalInstances
                : parallel.Shard(Enumerable.Range(0, globalInstances.Count).ToArray()).Select(i => globalInstances[i]).ToList();
            using (var scope = NewDisposeScope())
            {
                // A rank whose share is empty contributes a zero gradient.
                var result = batchInstances.Count > 0 ? model.Loss(data.Collate(batchInstances).To(device)) : null;
                optimizer.zero_grad();
                reducer?.prepare_for_backward(result?.Loss, DataParallel.Weight(batchInstances.Count, globalInstances.Count));
                result?.Loss.backward();
                reducer?.finalize_backward();
                if (options.ClipNorm > 0) nn.utils.clip_grad_norm_(parameters, options.ClipNorm);
                optimizer.step();
                schedule.step();
                double loss = result?.Loss.item<float>() ?? 0;
                if (!double.IsFinite(loss)) throw new InvalidOperationException($"pretraining diverged: loss {loss} at step {step + 1}; lower the learning rate");
                lossSum += loss;
                mlmSum += result?.MlmAccuracy ?? 0;
                nspSum += result?.NspAccuracy ?? 0;
                tokens += batchInstances.Sum(i => (long)i.Tokens.Length);
                count++;
            }
            step++;
            Stepped?.Invoke(step);
            if (step % options.LogEvery == 0 || step == options.Steps)
            {
                var log = new PretrainingLog(step, lossSum / count, mlmSum / count, nspSum / count, optimizer.ParamGroups[0].LearningRate,
                    tokens / intervalClock.Elapsed.TotalSeconds, clock.Elapsed.TotalSeconds);
                logs.Add(log);
                Logged?.Invoke(log);
                (lossSum, mlmSum, nspSum, tokens, count) = (0, 0, 0, 0, 0);
                intervalClock.Restart();
            }
            if (outputDir is not null && (step % options.SaveEvery == 0 || step == options.Steps))
            {
                if (main) Save(model, optimizer, step, logs, outputDir, data.Tokenizer);
                // System.Random cannot be saved, so after a checkpoint the sampler restarts from a seed derived from the
                // step, here and in a resumed run alike: both then draw the same instances.
                instances.Dispose();
                instances = Endless(data, SamplerAt(step)).GetEnumerator();
            }
        }
        instances.Dispose();
        parallel?.Barrier();   // the other ranks end when rank 0 has written its last checkpoint
        if (main && outputDir is not null && step >= options.Steps)
            TrainingState.WriteAtomically(Path.Combine(outputDir, CompleteFile), JsonSerializer.Serialize(new { Steps = step, Finished = DateTime.UtcNow }));
        return logs;
    }

    /// <summary>
    /// The file a pretraining writes into its folder when it has run all its steps: encoders are taken only from a
    /// folder that holds it (<see cref="PretrainedEncoder"/>), never from a run that stopped part-way.
    /// </summary>
    public const string CompleteFile = "pretraining_complete.json";

    /// <summary>How far the pretraining in <paramref name="dir"/> got: its step and the steps it was set to run (null: no pretraining state there).</summary>
    public static (long Step, long Steps, bool Complete)? Progress(string dir)
    {
        ArgumentNullException.ThrowIfNull(dir);
        string state = Path.Combine(dir, StateFile);
        if (!File.Exists(state)) return null;
        var (step, steps) = CheckpointFolder.ReadJson(state, root =>
            (root.GetProperty("Step").GetInt64(), root.GetProperty("Options").GetProperty("Steps").GetInt64()));
        // Folders written before the marker existed count as complete when their state reached the last step.
        return (step, steps, File.Exists(Path.Combine(dir, CompleteFile)) || step >= steps);
    }

    // Passes over the corpus, each with fresh instances and masks.
    private static IEnumerable<PretrainingInstance> Endless(PretrainingData data, Random rng)
    {
        while (true)
            foreach (var instance in data.Pass(rng)) yield return instance;
    }

    private Random SamplerAt(long step) => new((int)((options.Seed * 1_000_003L + step) % int.MaxValue));

    private void Save(BertForPreTraining model, optim.Optimizer optimizer, long step, List<PretrainingLog> logs, string dir, Text.WordPieceTokenizer tokenizer)
    {
        Directory.CreateDirectory(dir);
        using var scope = NewDisposeScope();
        var weights = model.state_dict();
        safetensors.save(weights, Path.Combine(dir, BertCheckpoint.WeightsFile), new Dictionary<string, string> { ["format"] = "pt" });
        File.WriteAllText(Path.Combine(dir, BertCheckpoint.ConfigFile), model.Bert.Config.ToJson());
        tokenizer.Save(Path.Combine(dir, BertCheckpoint.VocabFile));
        TrainingState.SaveOptimizer(optimizer, Path.Combine(dir, OptimizerFile));
        TrainingState.WriteAtomically(Path.Combine(dir, StateFile),
            JsonSerializer.Serialize(new { Step = step, OptimizerSteps = optimizer.StepCount, Options = options, Logs = logs }));
    }

    private (long Step, Random Rng) Restore(BertForPreTraining model, optim.Optimizer optimizer, optim.lr_scheduler.LambdaLR schedule, string dir, List<PretrainingLog> logs)
    {
        var (step, optimizerSteps, saved) = CheckpointFolder.ReadJson(Path.Combine(dir, StateFile), root =>
            (root.GetProperty("Step").GetInt64(), root.GetProperty("OptimizerSteps").GetInt64(), root.GetProperty("Logs").Deserialize<List<PretrainingLog>>() ?? []));
        logs.AddRange(saved);
        using var scope = NewDisposeScope();
        BertCheckpoint.LoadPretraining(model, dir);
        TrainingState.RestoreOptimizer(optimizer, optimizerSteps, schedule, step, Path.Combine(dir, OptimizerFile));
        return (step, SamplerAt(step));
    }
}
