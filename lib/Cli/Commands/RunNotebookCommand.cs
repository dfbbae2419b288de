using NotebookHost.Execution;
using NotebookHost.Notebook;

namespace Cli.Commands;

/// <summary>
/// <c>lab run NOTEBOOK.ipynb [-p name=value ...] [-o OUT.ipynb]</c>: executes the notebook headless and
/// writes it with its outputs (default out/NAME.ipynb); a failing cell stops the run, is named, and the
/// command exits non-zero after saving what ran.
/// </summary>
internal static class RunNotebookCommand
{
    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-')) throw new ArgumentException("usage: lab run NOTEBOOK.ipynb [-p name=value ...] [-o OUT.ipynb]");
        string path = args[0];
        var parameters = new Dictionary<string, string>();
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] is "-p" or "--parameter" && i + 1 < args.Length)
            {
                string[] kv = args[++i].Split('=', 2);
                if (kv.Length != 2) throw new ArgumentException($"parameter '{args[i]}' is not name=value");
                parameters[kv[0]] = kv[1];
            }
        }
        string output = CliOptions.Get(args, "-o") ?? Path.Combine("out", Path.GetFileName(path));
        var notebook = NotebookDocument.Load(path);
        var runner = new NotebookRunner();
        runner.Log += line => Console.Error.WriteLine(line);
        var result = runner.RunAsync(notebook, RunOptions.ForProject(parameters)).GetAwaiter().GetResult();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        notebook.Save(output);
        if (!result.Success)
        {
            Console.Error.WriteLine($"{path}: cell {result.FailedCell} ({result.FailedCellId}) failed: {result.Error}");
            Console.Error.WriteLine($"partial notebook written to {Path.GetFullPath(output)}");
            return 1;
        }
        Console.WriteLine($"executed {path} in {result.Seconds:F1}s → {Path.GetFullPath(output)}");
        return 0;
    }
}
