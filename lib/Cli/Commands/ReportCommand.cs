using System.CommandLine;
using System.Globalization;
using ClinicalNer.Runs;
using NotebookHost.Notebook;
using NotebookHost.Report;

namespace Cli.Commands;

/// <summary>
/// <c>lab report NOTEBOOK.ipynb [-p name=value ...] [--out reports]</c>: the notebook's report, rebuilt from its run store
/// without training (every experiment report-only, <see cref="Experiment.ReportOnlyVariable"/>): executed through the
/// kernel, each figure with a PNG beside its Plotly JSON, and the record of what it shows (<see cref="NotebookReport"/>).
/// <c>lab report --check REPORT.ipynb</c> refuses a report whose notebook's code changed since it was made.
/// </summary>
internal static class ReportCommand
{
    public static Command Build()
    {
        var notebook = new Argument<string>("notebook") { Description = "the notebook to report (with --check: the report to check)" };
        var parameters = new Option<string[]>("--parameter", "-p") { Description = "NAME=VALUE, as lab run takes them (repeatable)" };
        var output = Options.Text("--out", "the folder the report goes to", "reports");
        var timeout = Options.Int("--timeout", "per-cell time limit in seconds (0: none)", 0, min: 0);
        var check = Options.Flag("--check", "check that the report's notebook has not changed since (exit 1 naming the changed cells)");
        var source = Options.Text("--notebook", "with --check: the notebook to compare with (default: the one the report names)");
        var command = new Command("report", "a notebook's published report from its run store (no training): outputs, PNG figures, runs shown; --check: stale?")
        {
            notebook, parameters, output, timeout, check, source,
        };
        command.SetAction(r => r.GetValue(check)
            ? Check(r.GetValue(notebook)!, r.GetValue(source))
            : Make(r.GetValue(notebook)!, r.GetValue(parameters) ?? [], r.GetValue(output)!, r.GetValue(timeout)));
        return command;
    }

    private static string Root => ClinicalNer.Data.DataPaths.RepositoryRoot() ?? Directory.GetCurrentDirectory();

    private static int Make(string notebookPath, string[] parameters, string outDir, int timeout)
    {
        var source = NotebookDocument.Load(notebookPath);
        Directory.CreateDirectory(outDir);
        string output = Path.Combine(outDir, Path.GetFileName(notebookPath));
        string executed = Path.Combine(Path.GetTempPath(), $"report-{Guid.NewGuid():N}.ipynb");
        var args = new List<string> { notebookPath, "-o", executed };
        foreach (string p in parameters) args.AddRange(["-p", p]);
        if (timeout > 0) args.AddRange(["--timeout", timeout.ToString(CultureInfo.InvariantCulture)]);
        // The kernel inherits it: every experiment shows what the run store holds and trains nothing.
        Environment.SetEnvironmentVariable(Experiment.ReportOnlyVariable, "1");
        try
        {
            int code = RunNotebookCommand.Run(args);
            if (code != 0)
            {
                Console.Error.WriteLine($"lab report: {notebookPath} did not run through on its run store (exit {code}); a run it needs may be missing " +
                                        "(the failing cell says which): run the notebook (./lab run) to train it, then report again");
                return ExitCode.Failed;
            }
            var report = NotebookDocument.Load(executed);
            var runs = RunsOf(NotebookReport.RunStoreOf(source, parameters));
            var machine = Benchmarks.MachineInfo.Describe();
            NotebookReport.Finish(report, source, Root, runs, $"{machine["cpu"]}, {machine["cores"]} cores ({machine["isa"]})");
            report.Save(output);
        }
        finally
        {
            File.Delete(executed);
            Environment.SetEnvironmentVariable(Experiment.ReportOnlyVariable, null);
        }
        Console.WriteLine($"report: {output} ({new FileInfo(output).Length / 1024.0:N0} KiB)");
        return ExitCode.Ok;
    }

    private static List<(string Name, string? Key, string Status)> RunsOf(string? database)
    {
        if (database is null || !File.Exists(database)) return [];
        using var store = new RunStore(database);
        // The finished runs: what a report can show (a run cut off is not in its tables).
        return store.Runs().Where(r => r.IsFinished).Select(r => (r.Name, r.Key, r.Status)).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    private static int Check(string reportPath, string? notebookPath)
    {
        var report = NotebookDocument.Load(reportPath);
        string source = notebookPath ?? Path.Combine(Root, NotebookReport.NotebookOf(report));
        var stale = NotebookReport.StaleCells(report, NotebookDocument.Load(source));
        if (stale.Count > 0)
        {
            Console.Error.WriteLine($"lab report: {reportPath} is stale: {source} changed since it was made (code cells {string.Join(", ", stale)}); " +
                                    $"rebuild it with lab report {Path.GetRelativePath(Root, source)}");
            return ExitCode.Failed;
        }
        Console.WriteLine($"{reportPath}: current with {source}");
        return ExitCode.Ok;
    }
}
