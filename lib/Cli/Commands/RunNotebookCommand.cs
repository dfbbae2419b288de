using System.CommandLine;
using System.Diagnostics;

namespace Cli.Commands;

/// <summary>
/// <c>lab run NOTEBOOK.ipynb [-p name=value ...] [-o OUT.ipynb] [--timeout S]</c>: executes the notebook through the
/// .NET Interactive Jupyter kernel (the one VS Code and JupyterLab use) with headless/lab_run.py (nbclient), which
/// writes the executed notebook (default out/NAME.ipynb), names a failing cell and saves what ran.
/// </summary>
internal static class RunNotebookCommand
{
    /// <summary>The Python that has Debian's nbclient (not a pyenv or venv one found first on PATH).</summary>
    private const string Python = "/usr/bin/python3";

    public static Command Build()
    {
        var notebook = new Argument<string>("notebook") { Description = "the .ipynb to run" };
        var parameters = new Option<string[]>("--parameter", "-p") { Description = "NAME=VALUE, injected after the cell tagged 'parameters' (repeatable)" };
        var output = new Option<string>("--output", "-o") { Description = "where the executed notebook goes (default: out/NAME.ipynb)" };
        var timeout = Options.Int("--timeout", "per-cell time limit in seconds (0: none)", 0, min: 0);
        var kernel = new Option<string>("--kernel") { Description = "Jupyter kernel name (default: the notebook's, else .net-csharp)" };
        var command = new Command("run", "execute a notebook through the .NET Interactive kernel; exit 1 names the failing cell, 130 after Ctrl-C")
        {
            notebook, parameters, output, timeout, kernel,
        };
        command.SetAction(r =>
        {
            var args = new List<string> { r.GetValue(notebook)! };
            foreach (string p in r.GetValue(parameters) ?? []) args.AddRange(["-p", p]);
            if (r.GetValue(output) is { } o) args.AddRange(["-o", o]);
            if (r.GetValue(timeout) > 0) args.AddRange(["--timeout", r.GetValue(timeout).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            if (r.GetValue(kernel) is { } k) args.AddRange(["--kernel", k]);
            return Run(args);
        });
        return command;
    }

    /// <summary>Runs the driver with these arguments and returns its exit code.</summary>
    public static int Run(IEnumerable<string> args)
    {
        string driver = Path.Combine(AppContext.BaseDirectory, "lab_run.py");
        if (!File.Exists(Python)) throw new FileNotFoundException($"{Python} not found: ./lab setup installs python3-nbclient");
        var psi = new ProcessStartInfo(Python) { UseShellExecute = false };
        psi.ArgumentList.Add(driver);
        foreach (string a in args) psi.ArgumentList.Add(a);
        // Ctrl-C reaches the driver too (same process group): it interrupts the kernel and saves what ran; wait for it.
        Console.CancelKeyPress += (_, e) => e.Cancel = true;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {Python}");
        process.WaitForExit();
        return process.ExitCode;
    }
}
