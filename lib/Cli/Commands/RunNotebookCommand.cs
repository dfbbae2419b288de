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

    public static int Run(string[] args)
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
