using System.CommandLine;
using System.Globalization;
using ClinicalNer.Data.Readers;
using ClinicalNer.Models.LanguageModel;
using Reporting;
using ClinicalNer.Training;

namespace Cli.Commands;

/// <summary>
/// <c>lab lm --input PATH [--input PATH ...] --out DIR [--hidden 512] [--emb 100] [--epochs 2] [--seq 128] [--batch 32] [--lr 2e-3]
/// [--min-count 1] [--resume]</c>: paper 4's forward and backward character language models on unlabeled text (the
/// pretraining corpus rules of <see cref="PretrainingCorpus"/>, one line per sentence or paragraph); the BiLM folder that
/// <c>lab train --bilm DIR</c> fuses, a per-epoch checkpoint of each direction, the perplexity curve (<c>lm-curve.html</c>).
/// </summary>
internal static class LanguageModelCommand
{
    private static readonly string[] Directions = ["forward", "backward"];

    public static Command Build()
    {
        var d = new CharLanguageModelTraining();
        var sizes = new CharLanguageModelConfig(0);
        var inputs = Options.ExistingPaths("--input", "raw text files or folders (repeatable)", required: true);
        var output = Options.OutputFolder("--out", "the BiLM folder: chars.txt, forward/, backward/ (each lm.json, model.safetensors, training state)");
        var hidden = Options.Int("--hidden", "LSTM hidden size (features per character and direction)", sizes.HiddenSize);
        var emb = Options.Int("--emb", "character embedding size", sizes.EmbeddingDim);
        var dropout = Options.Double("--dropout", "dropout while training", sizes.Dropout, 0, 0.95);
        var epochs = Options.Int("--epochs", "passes over the text per direction", d.Epochs);
        var seq = Options.Int("--seq", "characters per training sequence", d.SequenceLength, min: 2);
        var batch = Options.Int("--batch", "sequences per step", d.BatchSize);
        var lr = Options.Double("--lr", "Adam's learning rate", d.LearningRate, 0, minExclusive: true);
        var minCount = Options.Int("--min-count", "characters seen fewer times are unknown", 1);
        var seed = Options.Int("--seed", "random seed", d.Seed, min: 0);
        var resume = Options.Flag("--resume", "continue from the per-epoch checkpoints in OUT");
        var device = Options.Device();
        var command = new Command("lm", "forward and backward character language models on unlabeled text (paper 4's BiLM)")
        {
            inputs, output, hidden, emb, dropout, epochs, seq, batch, lr, minCount, seed, resume, device,
        };
        command.SetAction(r => Run(r.GetValue(inputs)!, r.GetValue(output)!, sizes with { HiddenSize = r.GetValue(hidden), EmbeddingDim = r.GetValue(emb), Dropout = r.GetValue(dropout) },
            d with { Epochs = r.GetValue(epochs), SequenceLength = r.GetValue(seq), BatchSize = r.GetValue(batch), LearningRate = r.GetValue(lr), Seed = r.GetValue(seed), Device = Options.DeviceOf(r, device) },
            r.GetValue(minCount), r.GetValue(resume)));
        return command;
    }

    private static int Run(string[] inputs, string outDir, CharLanguageModelConfig sizes, CharLanguageModelTraining options, int minCount, bool resume)
    {
        var (documents, sources) = PretrainingCorpus.Load(inputs.Select(i => new PretrainingSource(i)));
        foreach (var s in sources) Console.WriteLine($"{s.Path}: {s.Files:N0} files → {s.Documents:N0} documents, {s.Characters:N0} characters");
        var lines = documents.SelectMany(d => d.Split('\n')).Select(l => l.Trim()).Where(l => l.Length > 1).ToList();
        if (lines.Count < 2) throw new ArgumentException($"no text to train on in {string.Join(", ", inputs)}");
        Console.WriteLine($"{lines.Count:N0} lines; {options.Epochs} epochs per direction, sequences of {options.SequenceLength}, batch {options.BatchSize}, hidden {sizes.HiddenSize}");
        var trainer = new CharLanguageModelTrainer(options);
        trainer.Logged += log => Console.WriteLine(log.DevPerplexity is { } p
            ? string.Create(CultureInfo.InvariantCulture, $"{log.Direction} epoch {log.Epoch}: dev perplexity {p:F2} ({log.CharsPerSecond:N0} chars/s)")
            : string.Create(CultureInfo.InvariantCulture, $"{log.Direction} epoch {log.Epoch} step {log.Step}/{log.StepsPerEpoch * options.Epochs}: loss {log.TrainLoss:F3} ({log.CharsPerSecond:N0} chars/s)"));
        var (model, logs) = trainer.Train(lines, sizes, outDir, resume, minCount);
        using (model)
        {
            var ends = logs.Where(l => l.DevPerplexity is not null).ToList();
            string curve = Path.Combine(outDir, "lm-curve.html");
            Charts.Lines(ends.Where(l => l.Direction == "forward").Select(l => (double)l.Epoch).ToList(),
                Directions.Select(d => new Series(d, ends.Where(l => l.Direction == d).Select(l => l.DevPerplexity!.Value).ToList())),
                "Character language models: dev perplexity", "epoch", "perplexity").SaveHtml(curve);
            Console.WriteLine($"BiLM ({model.Characters.Count:N0} characters, {model.FeatureSize} features per character): {Path.GetFullPath(outDir)}; curve {curve}");
        }
        return ExitCode.Ok;
    }
}
