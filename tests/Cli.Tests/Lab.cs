using System.Diagnostics;

namespace Cli.Tests;

/// <summary>Starts the built <c>lab</c> (lib/Cli/bin/CONFIG/net10.0/lab.dll) and captures what it prints.</summary>
internal static class Lab
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static string Root => ClinicalNer.Data.DataPaths.RepositoryRoot() ?? throw new DirectoryNotFoundException("repository root not found");

    // The same configuration as these tests (bin/Release/... or bin/Debug/...).
    public static string DllPath => Path.Combine(Root, "lib", "Cli", "bin", AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release", "net10.0", "lab.dll");

    public static Result Run(params string[] args) => Run(new Dictionary<string, string?>(), args);

    /// <summary>The bundled sample's training characters as raw text at <paramref name="path"/> (lines of 20), for the commands that read unlabeled text.</summary>
    public static string WriteSampleText(string path)
    {
        File.WriteAllLines(path, File.ReadLines(Path.Combine(Root, "data", "sample", "train.txt")).Select(l => l.Split(' ')[0]).Chunk(20).Select(c => string.Concat(c)));
        return path;
    }

    /// <summary>
    /// As <see cref="Run(string[])"/>, with <paramref name="environment"/> added to the child's environment; a null value
    /// removes the variable there (a test that needs a setting unset clears it in the child, never in the suite's process).
    /// </summary>
    public static Result Run(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        Dotnet(Root, [DllPath, .. args], 300, environment);

    /// <summary><c>dotnet ARGS</c> in <paramref name="workingDirectory"/>, killed after <paramref name="timeoutSeconds"/>.</summary>
    public static Result Dotnet(string workingDirectory, IEnumerable<string> args, int timeoutSeconds,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            if (value is null) psi.Environment.Remove(name);
            else psi.Environment[name] = value;
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', psi.ArgumentList)} did not finish in {timeoutSeconds} s");
        }
        return new Result(p.ExitCode, stdout, stderr.Result);
    }

    /// <summary>Exit 2, the input named on stderr, and nothing that looks like an exception or a stack trace.</summary>
    public static Result UsageError(string mustName, params string[] args)
    {
        var r = Run(args);
        Assert.True(r.ExitCode == 2, $"lab {string.Join(' ', args)}: exit {r.ExitCode}, expected 2\nstdout: {r.Stdout}\nstderr: {r.Stderr}");
        Assert.Contains(mustName, r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\n\s+at \S+\(|Exception\b|Unhandled", r.Stderr);
        return r;
    }
}
