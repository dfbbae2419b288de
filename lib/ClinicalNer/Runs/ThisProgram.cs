using System.Diagnostics;

namespace ClinicalNer.Runs;

/// <summary>
/// This program started again with other arguments (the ranks of a data-parallel job, a benchmark's measuring child),
/// however it was started: as <c>dotnet lab.dll</c>, through its apphost (<c>lab</c>), or self-contained.
/// </summary>
public static class ThisProgram
{
    /// <summary>A start of this program with <paramref name="arguments"/> (no shell; the caller adds redirection and environment).</summary>
    public static ProcessStartInfo Again(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        string host = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(host) { UseShellExecute = false };
        // Under the dotnet muxer the program is its first argument (the entry assembly); an apphost is the program itself,
        // and its command line's first element names the assembly too, so that must not be passed on.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") psi.ArgumentList.Add(System.Reflection.Assembly.GetEntryAssembly()!.Location);
        foreach (string a in arguments) psi.ArgumentList.Add(a);
        return psi;
    }
}
