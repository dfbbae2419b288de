using System.Diagnostics;

namespace NotebookHost.Tests;

/// <summary>Runs <c>lab run</c>'s driver (lib/NotebookHost/headless/lab_run.py), the one users run, and captures its output.</summary>
internal static class LabRun
{
    public static string Root => ClinicalNer.Data.DataPaths.RepositoryRoot() ?? throw new DirectoryNotFoundException("repository root not found");

    public static string Driver => Path.Combine(Root, "lib", "NotebookHost", "headless", "lab_run.py");

    public sealed record Outcome(int ExitCode, string Stdout, string Stderr, JsonObject? Notebook);

    /// <summary>Starts the driver; <paramref name="onStderrLine"/> sees each stderr line as it comes (with the process).</summary>
    public static Outcome Run(string notebook, string output, IEnumerable<string> arguments, int waitSeconds = 900, Action<string, Process>? onStderrLine = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        foreach (string a in new[] { Driver, notebook, "-o", output }.Concat(arguments)) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            onStderrLine?.Invoke(e.Data, process);
        };
        process.BeginErrorReadLine();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(waitSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"lab run {notebook} did not finish in {waitSeconds} s; stderr so far:\n{stderr}");
        }
        process.WaitForExit();
        JsonObject? nb = File.Exists(output) ? JsonNode.Parse(File.ReadAllText(output))!.AsObject() : null;
        lock (stderr) return new Outcome(process.ExitCode, stdout, stderr.ToString(), nb);
    }

    public static JsonObject Cell(JsonObject notebook, string id) =>
        notebook["cells"]!.AsArray().Select(c => c!.AsObject()).Single(c => c["id"]!.GetValue<string>() == id);

    public static IReadOnlyList<JsonObject> Outputs(JsonObject cell) => cell["outputs"]?.AsArray().Select(o => o!.AsObject()).ToList() ?? [];

    public static string Text(JsonNode? source) => source switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l!.GetValue<string>())),
        null => "",
        _ => source.GetValue<string>(),
    };
}
