using ClinicalNer.Evaluation;
using ClinicalNer.Training;

namespace Cli.Commands;

/// <summary><c>lab eval --checkpoint DIR --data PATH [--split test] [--max-length 256]</c>: the per-type table of a checkpoint on data.</summary>
internal static class EvalCommand
{
    public static int Run(string[] args)
    {
        string checkpoint = CliOptions.Get(args, "--checkpoint") ?? throw new ArgumentException("usage: lab eval --checkpoint DIR --data PATH [--split test]");
        string data = CliOptions.Get(args, "--data") ?? throw new ArgumentException("--data PATH is required");
        var (documents, name) = CorpusArguments.One(data, CliOptions.Get(args, "--split"), TrainCommand.Int(args, "--max-length", 256));
        using var model = NerCheckpoint.Load(checkpoint);
        model.Network.eval();
        var predicted = model.Predict(documents);
        var gold = documents.Select(d => d.Entities).ToList();
        var strict = NerMetrics.Strict(gold, predicted);
        Console.WriteLine($"{name}: {documents.Count} pieces, {gold.Sum(g => g.Count)} entities; checkpoint {checkpoint} ({model.Kind})");
        Console.WriteLine("strict (exact span and type):");
        Console.Write(strict.ToTable().ToText());
        Console.WriteLine($"position-only (type-agnostic, K-BERT's script) F1: {NerMetrics.PositionOnly(gold, predicted).Micro.F1 * 100:F2}");
        var e = NerMetrics.Errors(gold, predicted);
        Console.WriteLine($"errors: {e.TypeErrors} type, {e.BoundaryErrors} boundary, {e.BoundaryAndTypeErrors} boundary+type, {e.Spurious} spurious, {e.Missed} missed ({e.Correct} correct)");
        return 0;
    }
}
