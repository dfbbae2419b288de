using System.Globalization;
using ClinicalNer.Data.Readers;
using ClinicalNer.Training;

namespace Cli.Commands;

/// <summary><c>lab demo [--data DIR] [--epochs N]</c>: a short real training run on the bundled sample.</summary>
internal static class DemoCommand
{
    public static int Run(string[] args)
    {
        string data = Option(args, "--data") ?? FindSample();
        int epochs = int.Parse(Option(args, "--epochs") ?? "8", CultureInfo.InvariantCulture);
        var train = ConllReader.Read(Path.Combine(data, "train.txt")).Documents;
        var dev = ConllReader.Read(Path.Combine(data, "dev.txt")).Documents;
        var test = ConllReader.Read(Path.Combine(data, "test.txt")).Documents;
        Console.WriteLine($"data: {Path.GetFullPath(data)} ({train.Count} train, {dev.Count} dev, {test.Count} test sentences)");

        var training = new TaggerTraining(train);
        using var model = training.CreateModel();
        Console.WriteLine($"model: char embedding → BiLSTM → softmax, {model.parameters().Sum(p => p.numel()):N0} parameters");
        training.Train(model, train, dev, new TaggerTrainingOptions(Epochs: epochs), new SyncProgress(r =>
            Console.WriteLine($"epoch {r.Epoch,2}  loss {r.MeanLoss:F4}  dev F1 {r.Dev.F1 * 100:F2}  {r.CharsPerSecond:N0} chars/s")));

        var report = training.Evaluate(model, test);
        Console.WriteLine();
        Console.WriteLine("test (strict, exact span and type)");
        Console.WriteLine($"{"type",-10} {"P",7} {"R",7} {"F1",7} {"gold",6}");
        foreach (var s in report.PerType.Append(report.Micro))
            Console.WriteLine($"{s.Type,-10} {s.Precision * 100,7:F2} {s.Recall * 100,7:F2} {s.F1 * 100,7:F2} {s.Gold,6}");
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0) return null;
        if (i + 1 >= args.Length) throw new ArgumentException($"{name} needs a value");
        return args[i + 1];
    }

    // data/sample of the repository: from the working directory, else upwards from the program.
    private static string FindSample()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "data", "sample");
                if (File.Exists(Path.Combine(candidate, "train.txt"))) return candidate;
            }
        }
        throw new DirectoryNotFoundException("data/sample not found: run from the repository or pass --data DIR");
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SyncProgress(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }
}
