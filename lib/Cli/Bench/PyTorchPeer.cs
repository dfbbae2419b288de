using System.Diagnostics;
using System.Text.Json;

namespace Cli.Bench;

/// <summary>Runs ops_peer.py (PyTorch from /usr/bin/python3) under a given thread configuration.</summary>
internal static class PyTorchPeer
{
    public static Dictionary<string, double> Run(int torchThreads, int blasThreads)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "Bench", "ops_peer.py");
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(torchThreads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.Environment["OPENBLAS_NUM_THREADS"] = blasThreads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"PyTorch peer failed (is python3-torch installed? ./lab setup installs it):\n{stderr}");
        return JsonSerializer.Deserialize<Dictionary<string, double>>(stdout) ?? throw new InvalidDataException("PyTorch peer printed no result");
    }
}
