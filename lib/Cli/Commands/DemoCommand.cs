using System.CommandLine;

namespace Cli.Commands;

/// <summary>
/// <c>lab demo [-p name=value ...]</c>: runs notebooks/00-quickstart.ipynb through the .NET Interactive kernel on the
/// bundled sample (a short real BiLSTM-CRF training run), then prints where the executed notebook, the exported
/// figures and the tables are.
/// </summary>
internal static class DemoCommand
{
    public static Command Build()
    {
        var parameters = new Option<string[]>("--parameter", "-p") { Description = "NAME=VALUE for the quickstart notebook (epochs, dataDir, smoke)" };
        var command = new Command("demo", "the quickstart notebook (a short BiLSTM-CRF run on the bundled sample) through the kernel") { parameters };
        command.SetAction(r => Run(r.GetValue(parameters) ?? []));
        return command;
    }

    private static int Run(string[] parameters)
    {
        string root = ClinicalNer.Data.DataPaths.RepositoryRoot() ?? throw new DirectoryNotFoundException("run ./lab demo from the repository");
        string notebook = Path.Combine(root, "notebooks", "00-quickstart.ipynb");
        string output = Path.Combine(root, "out", "00-quickstart.ipynb");
        string figures = Path.Combine(root, "out", "figures");
        int status = RunNotebookCommand.Run([notebook, "-o", output, "-p", $"exportDir={figures}", .. parameters.SelectMany(p => new[] { "-p", p })]);
        if (status != 0) return status;
        Console.WriteLine($"executed notebook: {output}");
        foreach (string f in Directory.EnumerateFiles(figures, "quickstart-*").Order(StringComparer.Ordinal))
            Console.WriteLine($"{(Path.GetExtension(f) is ".csv" or ".md" ? "table" : "figure")}: {f}");
        return 0;
    }
}
