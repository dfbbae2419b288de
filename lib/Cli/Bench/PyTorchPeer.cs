using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Cli.Bench;

/// <summary>Runs a peer script from Bench/ with PyTorch from /usr/bin/python3 under a given thread configuration.</summary>
internal static class PyTorchPeer
{
    /// <summary>ops_peer.py: microsecond timings of the small ops.</summary>
    public static Dictionary<string, double> Run(int torchThreads, int blasThreads) => Run("ops_peer.py", torchThreads, blasThreads);

    /// <summary>
    /// Runs <c>python3 Bench/SCRIPT TORCH_THREADS [ARGS...]</c> with <c>OPENBLAS_NUM_THREADS</c> set and
    /// returns the JSON object it prints.
    /// </summary>
    public static Dictionary<string, double> Run(string script, int torchThreads, int blasThreads, params string[] arguments)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Bench", script));
        psi.ArgumentList.Add(torchThreads.ToString(CultureInfo.InvariantCulture));
        foreach (string a in arguments) psi.ArgumentList.Add(a);
        psi.Environment["OPENBLAS_NUM_THREADS"] = blasThreads.ToString(CultureInfo.InvariantCulture);
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"PyTorch peer {script} failed (is python3-torch installed? ./lab setup installs it):\n{stderr}");
        return JsonSerializer.Deserialize<Dictionary<string, double>>(stdout) ?? throw new InvalidDataException($"PyTorch peer {script} printed no result");
    }
}
