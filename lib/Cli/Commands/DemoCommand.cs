using System.Globalization;
using ClinicalNer.Data.Readers;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Evaluation;
using ClinicalNer.Training;

namespace Cli.Commands;

/// <summary><c>lab demo [--data DIR] [--epochs N]</c>: a short real training run of a BiLSTM-CRF on the bundled sample.</summary>
internal static class DemoCommand
{
    public static int Run(string[] args)
    {
        string data = CliOptions.Get(args, "--data") ?? FindSample();
        int epochs = int.Parse(CliOptions.Get(args, "--epochs") ?? "8", CultureInfo.InvariantCulture);
        var train = ConllReader.Read(Path.Combine(data, "train.txt")).Documents;
        var dev = ConllReader.Read(Path.Combine(data, "dev.txt")).Documents;
        var test = ConllReader.Read(Path.Combine(data, "test.txt")).Documents;
        Console.WriteLine($"data: {Path.GetFullPath(data)} ({train.Count} train, {dev.Count} dev, {test.Count} test sentences)");

        var inputs = TaggerInputs.Build(train);
        using var model = TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 64, HiddenSize = 64, Dropout = 0.2 }));
        Console.WriteLine($"model: {model.Kind}, {model.Tagger.parameters().Sum(p => p.numel()):N0} parameters");
        var trainer = new Trainer(new TrainerOptions(Epochs: epochs, BatchSize: 16, LearningRate: 5e-3, Patience: 0));
        trainer.Progress += e =>
        {
            if (e.IsEpochEnd) Console.WriteLine($"epoch {e.Epoch,2}  loss {e.Loss:F4}  dev F1 {e.Dev!.Micro.F1 * 100:F2}  {e.CharsPerSecond:N0} chars/s");
        };
        trainer.Fit(model, train, dev);

        var report = Trainer.Evaluate(model, test);
        Console.WriteLine();
        Console.WriteLine("test (strict, exact span and type)");
        Console.Write(ReportTable.Format(report));
        return 0;
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
}
