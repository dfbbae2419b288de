using System.Diagnostics;

namespace ClinicalNer.Runs;

/// <summary>The code version recorded with each run: the git commit (with "+dirty" for local changes), or "unknown".</summary>
public static class CodeVersion
{
    private static readonly Lazy<string> Value = new(Read);

    /// <summary>The version of the working tree the program runs from.</summary>
    public static string Current => Value.Value;

    private static string Read()
    {
        string? root = Data.DataPaths.RepositoryRoot();
        if (root is null) return "unknown";
        string? head = Git(root, "rev-parse --short HEAD");
        if (head is null) return "unknown";
        string? status = Git(root, "status --porcelain --untracked-files=no");
        return string.IsNullOrWhiteSpace(status) ? head : head + "+dirty";
    }

    private static string? Git(string root, string args)
    {
        try
        {
            var psi = new ProcessStartInfo("git", args) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi);
            if (p is null) return null;
            string output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine
        }
    }
}
