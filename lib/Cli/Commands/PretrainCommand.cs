using System.CommandLine;
using System.Globalization;
using ClinicalNer.Data.Readers;
using ClinicalNer.Models.Bert;
using ClinicalNer.Display;
using ClinicalNer.Runs;
using ClinicalNer.Text;
using ClinicalNer.Models;
using ClinicalNer.Training;
using Reporting;

namespace Cli.Commands;

/// <summary>
/// <c>lab pretrain --input PATH [--input PATH ...] [--weight PATH=N ...] --vocab vocab.txt --out DIR [--size small|tiny|base|config.json]
/// [--steps N] [--batch N] [--lr X] [--warmup N] [--max-length N] [--log-every N] [--save-every N] [--seed N] [--store runs.db]
/// [--resume]</c> (defaults: <see cref="PretrainerOptions"/>, <see cref="PretrainingOptions"/>): MLM + NSP pretraining of a BERT on unlabeled text
/// (files or folders, UTF-8 or GB18030); Hugging Face-layout checkpoints in DIR; accuracies in the run store.
/// </summary>
internal static class PretrainCommand
{
    public static Command Build()
    {
        var d = new PretrainerOptions();
        var inputs = Options.ExistingPaths("--input", "raw text files or folders (repeatable)", required: true);
        var weights = new Option<string[]>("--weight") { Description = "PATH=N: each document of the --input PATH enters a pass N times (repeatable; default 1)" };
        weights.Validators.Add(r =>
        {
            var given = r.GetResult(inputs)?.GetValueOrDefault<string[]>() ?? [];
            foreach (string spec in r.GetValueOrDefault<string[]>() ?? [])
            {
                int eq = spec.LastIndexOf('=');
                if (eq <= 0 || !int.TryParse(spec[(eq + 1)..], out int n) || n < 1) r.AddError($"--weight expects PATH=N with a whole N ≥ 1, got '{spec}'");
                else if (!given.Contains(spec[..eq])) r.AddError($"--weight {spec}: '{spec[..eq]}' is not one of the --input paths");
            }
        });
        var vocab = Options.ExistingPath("--vocab", "WordPiece vocab.txt (e.g. ../shared/data/kbert/models/google_vocab.txt)", required: true);
        var output = Options.OutputFolder("--out", "checkpoint folder (Hugging Face layout: model.safetensors, config.json, vocab.txt)");
        var size = Options.Text("--size", "small, tiny, base, or a config.json", "small");
        size.Validators.Add(r =>
        {
            string? v = r.GetValueOrDefault<string>();
            if (v is not null && !File.Exists(v) && v is not ("small" or "tiny" or "base")) r.AddError($"--size {v}: neither small, tiny, base nor an existing config.json");
        });
        var steps = Options.Int("--steps", "optimizer steps", d.Steps);
        var batch = Options.Int("--batch", "sequences per batch", d.BatchSize);
        var lr = Options.Double("--lr", "peak learning rate", d.LearningRate, 0, minExclusive: true);
        var warmup = Options.Int("--warmup", "warmup steps", d.WarmupSteps, min: 0);
        var maxLength = Options.Int("--max-length", "longest instance in word pieces", new PretrainingOptions().MaxLength, min: 8);
        var logEvery = Options.Int("--log-every", "log loss and accuracies every N steps", d.LogEvery);
        var saveEvery = Options.Int("--save-every", "checkpoint every N steps", d.SaveEvery);
        var seed = Options.Int("--seed", "random seed", d.Seed, min: 0);
        var store = Options.Text("--store", "the SQLite run store (default: OUT/runs.db)");
        var resume = Options.Flag("--resume", "continue from the checkpoint in OUT (exactly: weights, optimizer, data position)");
        var device = Options.Device();
        var nproc = Options.Int("--nproc", "data-parallel ranks on this machine (torch.distributed, gloo); --batch is each rank's", 1, min: 1);
        var command = new Command("pretrain", "MLM + NSP pretraining of a BERT on unlabeled text (google-research/bert's instances and masking)")
        {
            inputs, weights, vocab, output, size, steps, batch, lr, warmup, maxLength, logEvery, saveEvery, seed, store, resume, device, nproc,
        };
        command.SetAction(r => r.GetValue(nproc) > 1 && !DistributedLaunch.IsRank
            ? DistributedLaunch.Launch(r.GetValue(nproc))
            : Run(Sources(r.GetValue(inputs)!, r.GetValue(weights) ?? []), r.GetValue(vocab)!, r.GetValue(output)!, r.GetValue(size)!, r.GetValue(maxLength), r.GetValue(store),
            r.GetValue(resume), d with
            {
                Steps = r.GetValue(steps), BatchSize = r.GetValue(batch), LearningRate = r.GetValue(lr), WarmupSteps = r.GetValue(warmup),
                LogEvery = r.GetValue(logEvery), SaveEvery = r.GetValue(saveEvery), Seed = r.GetValue(seed),
            }, Options.DeviceOf(r, device)));
        return command;
    }

    private static List<PretrainingSource> Sources(string[] inputs, string[] weights)
    {
        var weightOf = weights.ToDictionary(w => w[..w.LastIndexOf('=')], w => int.Parse(w[(w.LastIndexOf('=') + 1)..], CultureInfo.InvariantCulture), StringComparer.Ordinal);
        return inputs.Select(i => new PretrainingSource(i, weightOf.GetValueOrDefault(i, 1))).ToList();
    }

    private static int Run(List<PretrainingSource> inputs, string vocab, string outDir, string size, int maxLength, string? storePath, bool resume, PretrainerOptions options,
        TorchBinding.torch.Device device)
    {
        var tokenizer = WordPieceTokenizer.FromFile(vocab);
        var config = (File.Exists(size) ? BertConfig.Load(size) : BertConfig.Preset(size)) with { VocabSize = tokenizer.VocabularySize };
        if (maxLength > config.MaxPositions) throw new ArgumentException($"--max-length {maxLength} exceeds the model's {config.MaxPositions} positions");
        var (texts, sources) = PretrainingCorpus.Load(inputs);
        foreach (var s in sources)
            Console.WriteLine($"{s.Path}: {s.Files:N0} files → {s.Documents:N0} documents, {s.Characters:N0} characters{(s.Weight > 1 ? $", weight {s.Weight}" : "")}");
        var data = PretrainingData.FromTexts(texts, tokenizer, new PretrainingOptions(MaxLength: maxLength));
        Console.WriteLine($"{data.DocumentCount:N0} documents per pass, {data.TokenCount:N0} word pieces; " +
                          $"BERT {config.Layers} layers x {config.HiddenSize} hidden x {config.Heads} heads, vocabulary {config.VocabSize:N0}");

        int? rank = DistributedLaunch.JoinIfRank();
        TorchBinding.torch.manual_seed(options.Seed);   // the initial weights
        using var model = new BertForPreTraining(config);
        model.to(device);   // before the optimizer exists; a resumed run copies its weights onto the device
        if (rank > 0)
        {
            // The other ranks train beside rank 0, which alone records the run and writes the checkpoints.
            new BertPretrainer(options).Run(model, data, outDir, resume: resume);
            Console.WriteLine($"rank {rank}: {options.Steps} steps pretrained with rank 0");
            return 0;
        }
        Directory.CreateDirectory(outDir);
        using var store = new RunStore(storePath ?? Path.Combine(outDir, "runs.db"));
        long runId = store.StartRun($"pretrain-{size}", $"BERT-{Path.GetFileNameWithoutExtension(size)}", string.Join(";", inputs.Select(i => i.Weight > 1 ? $"{i.Path}={i.Weight}" : i.Path)), config.ToJson(),
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
            logs = pretrainer.Run(model, data, outDir, resume: resume);
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
