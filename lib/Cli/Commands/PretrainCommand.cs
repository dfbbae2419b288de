using System.Globalization;
using ClinicalNer.Data.Readers;
using ClinicalNer.Models.Bert;
using ClinicalNer.Plots;
using ClinicalNer.Runs;
using ClinicalNer.Text;
using ClinicalNer.Training;

namespace Cli.Commands;

/// <summary>
/// <c>lab pretrain --input PATH [--input PATH ...] --vocab vocab.txt --out DIR [--size small|tiny|base|config.json]
/// [--steps 10000] [--batch 32] [--lr 1e-4] [--warmup 1000] [--max-length 128] [--log-every 50] [--save-every 500]
/// [--seed 1] [--store runs.db] [--resume]</c>: MLM + NSP pretraining of a BERT on unlabeled text
/// (files or folders, UTF-8 or GB18030); Hugging Face-layout checkpoints in DIR; accuracies in the run store.
/// </summary>
internal static class PretrainCommand
{
    private const string Usage = "usage: lab pretrain --input PATH [--input PATH ...] --vocab vocab.txt --out DIR [--size small|tiny|base|config.json] [--steps N] [--batch 32] [--lr 1e-4] [--warmup N] [--max-length 128] [--resume]";

    public static int Run(string[] args)
    {
        string outDir = CliOptions.Get(args, "--out") ?? throw new ArgumentException(Usage);
        string vocab = CliOptions.Get(args, "--vocab") ?? throw new ArgumentException("--vocab vocab.txt is required (e.g. ../shared/data/kbert/models/google_vocab.txt)");
        if (!File.Exists(vocab)) throw new FileNotFoundException($"vocabulary {vocab} does not exist", vocab);
        var inputs = args.Select((a, i) => (a, i)).Where(x => x.a == "--input" && x.i + 1 < args.Length).Select(x => args[x.i + 1]).ToList();
        if (inputs.Count == 0) throw new ArgumentException("give at least one --input PATH (a file or folder of raw text)");
        string size = CliOptions.Get(args, "--size") ?? "small";
        var tokenizer = WordPieceTokenizer.FromFile(vocab);
        var config = (File.Exists(size) ? BertConfig.Load(size) : BertConfig.Preset(size)) with { VocabSize = tokenizer.VocabularySize };
        int maxLength = TrainCommand.Int(args, "--max-length", 128);
        if (maxLength > config.MaxPositions) throw new ArgumentException($"--max-length {maxLength} exceeds the model's {config.MaxPositions} positions");
        var options = new PretrainerOptions(
            Steps: TrainCommand.Int(args, "--steps", 10_000), BatchSize: TrainCommand.Int(args, "--batch", 32),
            LearningRate: double.Parse(CliOptions.Get(args, "--lr") ?? "1e-4", CultureInfo.InvariantCulture),
            WarmupSteps: TrainCommand.Int(args, "--warmup", 1_000), LogEvery: TrainCommand.Int(args, "--log-every", 50),
            SaveEvery: TrainCommand.Int(args, "--save-every", 500), Seed: TrainCommand.Int(args, "--seed", 1));

        var texts = inputs.SelectMany(RawTextReader.Read).Select(t => t.Text).ToList();
        var data = PretrainingData.FromTexts(texts, tokenizer, new PretrainingOptions(MaxLength: maxLength));
        Console.WriteLine($"{texts.Count:N0} files → {data.DocumentCount:N0} documents, {data.TokenCount:N0} word pieces; " +
                          $"BERT {config.Layers} layers x {config.HiddenSize} hidden x {config.Heads} heads, vocabulary {config.VocabSize:N0}");

        TorchBinding.torch.manual_seed(options.Seed);   // the initial weights
        using var model = new BertForPreTraining(config);
        Directory.CreateDirectory(outDir);
        using var store = new RunStore(CliOptions.Get(args, "--store") ?? Path.Combine(outDir, "runs.db"));
        long runId = store.StartRun($"pretrain-{size}", $"BERT-{Path.GetFileNameWithoutExtension(size)}", string.Join(";", inputs), config.ToJson(),
            new TrainerOptions(Epochs: 0, BatchSize: options.BatchSize, LearningRate: options.LearningRate, ClipNorm: options.ClipNorm, MaxSteps: options.Steps, Seed: options.Seed, OutputDir: outDir));
        var pretrainer = new BertPretrainer(options);
        pretrainer.Stepped += step => Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\rstep {step}/{options.Steps}   "));
        pretrainer.Logged += log =>
        {
            Console.Error.Write('\r');
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"step {log.Step,6}  loss {log.Loss:F3}  MLM acc {log.MlmAccuracy * 100:F2}%  NSP acc {log.NspAccuracy * 100:F2}%  lr {log.LearningRate:E2}  {log.TokensPerSecond:N0} tokens/s  {log.Seconds:F0}s"));
            store.AddMetric(runId, log.Step, "loss", log.Loss);
            store.AddMetric(runId, log.Step, "mlm_accuracy", log.MlmAccuracy);
            store.AddMetric(runId, log.Step, "nsp_accuracy", log.NspAccuracy);
            store.AddMetric(runId, log.Step, "tokens_per_second", log.TokensPerSecond);
        };
        IReadOnlyList<PretrainingLog> logs;
        try
        {
            logs = pretrainer.Run(model, data, outDir, resume: CliOptions.Has(args, "--resume"));
        }
        catch
        {
            store.FinishRun(runId, "failed", outDir);
            throw;
        }
        store.FinishRun(runId, "finished", outDir);
        Console.WriteLine($"checkpoint (model.safetensors, config.json, vocab.txt): {Path.GetFullPath(outDir)}");
        if (logs.Count > 0)
        {
            string curve = Path.Combine(outDir, "pretraining-curve.html");
            PretrainingCurve.Of(logs, $"BERT-{Path.GetFileNameWithoutExtension(size)} pretraining").SaveHtml(curve);
            Console.WriteLine($"learning curve: {Path.GetFullPath(curve)}");
        }
        return 0;
    }
}
