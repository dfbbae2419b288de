using System.Diagnostics;
using System.Text.Json;
using ClinicalNer.Data;
using ClinicalNer.Training;
using TorchBinding;
using static TorchBinding.torch;
using ClinicalNer.Models;

using ClinicalNer.Models.LanguageModel;

namespace ClinicalNer.Training;

/// <summary>How the character language models are trained.</summary>
/// <param name="Epochs">Passes over the training text, per direction.</param>
/// <param name="BatchSize">Sequences per step.</param>
/// <param name="SequenceLength">Characters per sequence (truncated backpropagation through time).</param>
/// <param name="LearningRate">Adam's learning rate.</param>
/// <param name="ClipNorm">Gradient norm bound.</param>
/// <param name="DevShare">Share of the lines held out to measure perplexity (every k-th line).</param>
/// <param name="Seed">Seeds the weights and the order of the sequences.</param>
/// <param name="LogEvery">Steps between progress reports.</param>
/// <param name="Device">Where the models train (null = the CPU); they are returned there.</param>
public sealed record CharLanguageModelTraining(int Epochs = 2, int BatchSize = 32, int SequenceLength = 128, double LearningRate = 2e-3, double ClipNorm = 1.0,
    double DevShare = 0.01, int Seed = 1, int LogEvery = 100, torch.Device? Device = null);

/// <summary>Progress of language-model training: a step report, or an epoch's end with the dev perplexity.</summary>
/// <param name="Direction">"forward" or "backward".</param>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">Steps so far in this direction.</param>
/// <param name="StepsPerEpoch">Steps per epoch.</param>
/// <param name="TrainLoss">Mean cross-entropy since the last report (nats per character).</param>
/// <param name="DevPerplexity">Perplexity on the held-out lines (epoch ends only).</param>
/// <param name="CharsPerSecond">Training throughput since the last report.</param>
public sealed record CharLanguageModelLog(string Direction, int Epoch, long Step, long StepsPerEpoch, double TrainLoss, double? DevPerplexity, double CharsPerSecond)
{
    /// <summary>The report as a progress line of a run of <paramref name="epochs"/> epochs.</summary>
    public string Describe(int epochs) => DevPerplexity is { } p
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"BiLM {Direction}: epoch {Epoch}, dev perplexity {p:F2}")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"BiLM {Direction}: epoch {Epoch}, step {Step:N0}/{StepsPerEpoch * epochs:N0}, loss {TrainLoss:F3}, {CharsPerSecond:N0} chars/s");
}

/// <summary>
/// Trains a <see cref="BidirectionalLanguageModel"/> on unlabeled lines: the lines joined by a boundary symbol into one
/// stream per direction (reversed for the backward model), cut into sequences of <see cref="CharLanguageModelTraining.SequenceLength"/>
/// + 1 characters, shuffled every epoch, Adam with gradient clipping; perplexity on held-out lines after each epoch.
/// With an output folder each finished epoch is a checkpoint (weights, optimizer, logs) that a restarted run resumes from.
/// </summary>
public sealed class CharLanguageModelTrainer
{
    private const string StateFile = "training_state.json";
    private const string OptimizerFile = "optimizer.safetensors";
    // A report with no steps since the last one has a NaN loss; the state file keeps it as "NaN".
    private static readonly JsonSerializerOptions StateJson = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private readonly CharLanguageModelTraining options;

    /// <summary>Creates the trainer.</summary>
    public CharLanguageModelTrainer(CharLanguageModelTraining options) => this.options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Raised at every <see cref="CharLanguageModelTraining.LogEvery"/> steps and at every epoch's end.</summary>
    public event Action<CharLanguageModelLog>? Logged;

    /// <summary>Trains both directions and returns the BiLM with every log (a resumed run's earlier ones included).</summary>
    /// <param name="lines">Unlabeled text, one sentence or paragraph per line.</param>
    /// <param name="sizes">Model sizes (the vocabulary size is set from the text).</param>
    /// <param name="outputDir">Where the BiLM and the per-epoch checkpoints go, or null.</param>
    /// <param name="resume">Continue from the checkpoints in <paramref name="outputDir"/>.</param>
    /// <param name="minCount">Characters seen fewer times are unknown.</param>
    public (BidirectionalLanguageModel Model, List<CharLanguageModelLog> Logs) Train(IReadOnlyList<string> lines, CharLanguageModelConfig sizes, string? outputDir,
        bool resume = false, int minCount = 1)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(sizes);
        var usable = lines.Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (usable.Count < 2) throw new ArgumentException("language-model training needs at least 2 non-empty lines");
        int every = Math.Max(2, (int)Math.Round(1 / Math.Max(options.DevShare, 1e-9)));
        var trainLines = usable.Where((_, i) => i % every != every - 1).ToList();
        var devLines = usable.Where((_, i) => i % every == every - 1).ToList();
        if (devLines.Count == 0) devLines = [trainLines[^1]];

        List<string> characters;
        string? vocabularyPath = outputDir is null ? null : Path.Combine(outputDir, BidirectionalLanguageModel.VocabularyFile);
        if (resume && vocabularyPath is not null && File.Exists(vocabularyPath)) characters = [.. File.ReadAllLines(vocabularyPath)];
        else
        {
            characters = BidirectionalLanguageModel.VocabularyOf(trainLines, minCount);
            if (vocabularyPath is not null)
            {
                Directory.CreateDirectory(outputDir!);
                File.WriteAllLines(vocabularyPath, characters);
            }
        }
        var config = sizes with { VocabularySize = characters.Count + 3 };
        var logs = new List<CharLanguageModelLog>();
        var forward = TrainDirection(config with { Backward = false }, characters, trainLines, devLines, outputDir, resume, logs);
        var backward = TrainDirection(config with { Backward = true }, characters, trainLines, devLines, outputDir, resume, logs);
        var bilm = new BidirectionalLanguageModel(characters, forward, backward);
        if (outputDir is not null) bilm.Save(outputDir);
        return (bilm, logs);
    }

    private CharLanguageModel TrainDirection(CharLanguageModelConfig config, List<string> characters, List<string> trainLines, List<string> devLines,
        string? outputDir, bool resume, List<CharLanguageModelLog> logs)
    {
        string direction = config.Backward ? "backward" : "forward";
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < characters.Count; i++) ids.TryAdd(characters[i], i + 3);
        long[] trainStream = Stream(trainLines, ids, config.Backward), devStream = Stream(devLines, ids, config.Backward);
        int span = options.SequenceLength + 1;
        int sequences = (int)Math.Max(1, (trainStream.Length - 1) / options.SequenceLength);
        long stepsPerEpoch = (sequences + options.BatchSize - 1) / options.BatchSize;

        manual_seed(options.Seed + (config.Backward ? 1 : 0));
        var model = new CharLanguageModel(config);
        if (options.Device is { } device) model.to(device);   // before the optimizer; a resumed run copies its weights there
        using var optimizer = new TorchBinding.Modules.Adam([new optim.ParamGroup(model.parameters())], options.LearningRate);
        string? dir = outputDir is null ? null : Path.Combine(outputDir, direction);
        int startEpoch = 1;
        long step = 0;
        if (resume && dir is not null && File.Exists(Path.Combine(dir, StateFile)))
        {
            var (epoch, steps, optimizerSteps, saved) = CheckpointFolder.ReadJson(Path.Combine(dir, StateFile), root => (root.GetProperty("Epoch").GetInt32(),
                root.GetProperty("Step").GetInt64(), root.GetProperty("OptimizerSteps").GetInt64(), root.GetProperty("Logs").Deserialize<List<CharLanguageModelLog>>(StateJson) ?? []));
            CheckpointFiles.LoadWeights(model, dir);
            using (var scope = NewDisposeScope())
            {
                var state = safetensors.load(Path.Combine(dir, OptimizerFile));
                set_rng_state(state["rng_state"]);   // saved with the moments by TrainingState.SaveOptimizer
                state.Remove("rng_state");
                optimizer.load_state_dict(state, optimizerSteps);
            }
            logs.AddRange(saved);
            (startEpoch, step) = (epoch + 1, steps);
        }
        var parameters = model.parameters().ToList();
        for (int epoch = startEpoch; epoch <= options.Epochs; epoch++)
        {
            model.train();
            var order = Enumerable.Range(0, sequences).ToArray();
            new Random(options.Seed * 7919 + epoch + (config.Backward ? 100_000 : 0)).Shuffle(order);
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            int count = 0;
            long chars = 0;
            foreach (int[] chunk in order.Chunk(options.BatchSize))
            {
                double loss;
                using (var scope = NewDisposeScope())
                {
                    var batch = Devices.Move(Batch(trainStream, chunk.Select(s => (long)s * options.SequenceLength).ToArray(), span), Devices.Of(model));
                    var lossTensor = model.Loss(batch);
                    optimizer.zero_grad();
                    lossTensor.backward();
                    if (options.ClipNorm > 0) nn.utils.clip_grad_norm_(parameters, options.ClipNorm);
                    optimizer.step();
                    loss = lossTensor.item<float>();
                }
                if (!double.IsFinite(loss)) throw new InvalidOperationException($"{direction} language model diverged: loss {loss} at step {step + 1}; lower the learning rate");
                step++;
                lossSum += loss;
                count++;
                chars += chunk.Length * (long)options.SequenceLength;
                if (step % options.LogEvery == 0)
                {
                    var log = new CharLanguageModelLog(direction, epoch, step, stepsPerEpoch, lossSum / count, null, chars / Math.Max(1e-6, clock.Elapsed.TotalSeconds));
                    logs.Add(log);
                    Logged?.Invoke(log);
                    (lossSum, count, chars) = (0, 0, 0);
                    clock.Restart();
                }
            }
            var end = new CharLanguageModelLog(direction, epoch, step, stepsPerEpoch, count > 0 ? lossSum / count : double.NaN,
                Math.Exp(DevLoss(model, devStream, span)), count > 0 ? chars / Math.Max(1e-6, clock.Elapsed.TotalSeconds) : 0);
            logs.Add(end);
            Logged?.Invoke(end);
            if (dir is not null) SaveEpoch(model, optimizer, epoch, step, logs.Where(l => l.Direction == direction).ToList(), dir);
        }
        model.eval();
        return model;
    }

    // Lines joined into one id stream, a boundary before each line; reversed as a whole for the backward model.
    private static long[] Stream(List<string> lines, Dictionary<string, int> ids, bool backward)
    {
        var stream = new List<long>();
        foreach (string line in lines)
        {
            stream.Add(BidirectionalLanguageModel.BoundaryId);
            foreach (string c in Document.SplitChars(line)) stream.Add(ids.TryGetValue(c, out int id) ? id : BidirectionalLanguageModel.UnknownId);
        }
        stream.Add(BidirectionalLanguageModel.BoundaryId);
        if (backward) stream.Reverse();
        return [.. stream];
    }

    // Sequences of `span` ids starting at the given offsets (the last one padded with 0 past the stream's end).
    private static Tensor Batch(long[] stream, long[] starts, int span)
    {
        var values = new long[starts.Length * span];
        for (int r = 0; r < starts.Length; r++)
        {
            long available = Math.Min(span, stream.Length - starts[r]);
            Array.Copy(stream, starts[r], values, r * span, available);
        }
        return tensor(values).view(starts.Length, span);
    }

    private double DevLoss(CharLanguageModel model, long[] stream, int span)
    {
        model.eval();
        using var _ = no_grad();
        int sequences = (int)Math.Max(1, (stream.Length - 1) / options.SequenceLength);
        double sum = 0;
        long weight = 0;
        foreach (var chunk in Enumerable.Range(0, sequences).Chunk(options.BatchSize))
        {
            using var scope = NewDisposeScope();
            var batch = Devices.Move(Batch(stream, chunk.Select(s => (long)s * options.SequenceLength).ToArray(), span), Devices.Of(model));
            long targets = batch.narrow(1, 1, span - 1).ne(0).sum().item<long>();
            sum += model.Loss(batch).item<float>() * targets;
            weight += targets;
        }
        return weight == 0 ? double.NaN : sum / weight;
    }

    private static void SaveEpoch(CharLanguageModel model, optim.Optimizer optimizer, int epoch, long step, List<CharLanguageModelLog> logs, string dir) =>
        CheckpointFolder.Replace(dir, folder =>
        {
            BidirectionalLanguageModel.SaveModel(model, folder);
            TrainingState.SaveOptimizer(optimizer, Path.Combine(folder, OptimizerFile));
            File.WriteAllText(Path.Combine(folder, StateFile), JsonSerializer.Serialize(new { Epoch = epoch, Step = step, OptimizerSteps = optimizer.StepCount, Logs = logs }, StateJson));
        });
}
