using ClinicalNer.Display;
using System.CommandLine;
using ClinicalNer.Data;
using ClinicalNer.Evaluation;
using ClinicalNer.Models;
using ClinicalNer.Training;
using Reporting;
using ClinicalNer.Data.Readers;
using ClinicalNer.Models.Specs;

namespace Cli.Commands;

/// <summary><c>lab eval --checkpoint DIR --data PATH [--split test] [corpus options]</c>: the per-type table of a checkpoint on data.</summary>
internal static class EvalCommand
{
    public static Command Build()
    {
        var checkpoint = Options.ExistingPath("--checkpoint", "a checkpoint folder (best/ or last/ of lab train)", required: true);
        var data = Options.ExistingPath("--data", "a corpus file or a folder of splits", required: true);
        var split = Options.Text("--split", "which split of a folder (default: the last, usually test)");
        var maxLength = Options.Int("--max-length", "longest piece in characters", TrainCommand.DefaultMaxLength, min: 2);
        var device = Options.Device();
        var corpus = new CorpusOptions();
        var command = new Command("eval", "strict per-type scores, position-only F1 and the error breakdown of a checkpoint") { checkpoint, data, split, maxLength, device };
        corpus.AddTo(command);
        command.SetAction(r => Run(r.GetValue(checkpoint)!, r.GetValue(data)!, r.GetValue(split), r.GetValue(maxLength), corpus.Read(r), Options.DeviceOf(r, device)));
        return command;
    }

    private static int Run(string checkpoint, string data, string? split, int maxLength, CorpusReadOptions read, TorchBinding.torch.Device device)
    {
        var corpora = CorpusLoader.Load(data, read);
        Corpus corpus = split is null ? corpora[^1]
            : corpora.FirstOrDefault(c => c.Name.StartsWith(split, StringComparison.OrdinalIgnoreCase))
              ?? throw new ArgumentException($"--split {split}: no such split in {data} (have: {string.Join(", ", corpora.Select(c => c.Name))})");
        CorpusOptions.ReportIssues([corpus]);
        var documents = CorpusLoader.Pieces(corpus, maxLength);
        using var model = NerCheckpoint.Load(checkpoint, device);
        model.Network.eval();
        var predicted = model.Predict(documents);
        var gold = documents.Select(d => d.Entities).ToList();
        var strict = NerMetrics.Strict(gold, predicted);
        Console.WriteLine($"{corpus.Name}: {documents.Count} pieces, {gold.Sum(g => g.Count)} entities; checkpoint {checkpoint} ({model.Kind})");
        Console.WriteLine("strict (exact span and type):");
        Console.Write(strict.ToTable().ToText());
        Console.WriteLine($"position-only (type-agnostic, K-BERT's script) F1: {NerMetrics.PositionOnly(gold, predicted).Micro.F1 * 100:F2}");
        var e = NerMetrics.Errors(gold, predicted);
        Console.WriteLine($"errors: {e.TypeErrors} type, {e.BoundaryErrors} boundary, {e.BoundaryAndTypeErrors} boundary+type, {e.Spurious} spurious, {e.Missed} missed ({e.Correct} correct)");
        return ExitCode.Ok;
    }
}
