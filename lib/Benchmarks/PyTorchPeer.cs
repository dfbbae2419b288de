using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Benchmarks;

/// <summary>
/// One thread setting for the PyTorch peer: libtorch intra-op threads, OpenBLAS threads, and OpenBLAS's
/// worker spin time (<c>OPENBLAS_THREAD_TIMEOUT</c>; null = OpenBLAS's default, 2^28 cycles). Our binding
/// sets the timeout to 4 (<c>TorchBinding.Interop.BlasEnvironment</c>), so the peer is offered both.
/// </summary>
internal readonly record struct PeerConfiguration(int TorchThreads, int BlasThreads, string? BlasThreadTimeout = null)
{
    /// <summary>Every thread split of the cores, each with OpenBLAS's default timeout and with ours.</summary>
    public static IReadOnlyList<PeerConfiguration> All(int cores) =>
        new[] { (1, cores), (cores, 1), (1, 1), (cores, cores) }.Distinct()
            .SelectMany(t => new[] { new PeerConfiguration(t.Item1, t.Item2), new PeerConfiguration(t.Item1, t.Item2, TorchBinding.torch.blas.DefaultThreadTimeout) })
            .ToList();

    /// <summary>"torch=1,blas=2" plus ",timeout=4" when the timeout is set.</summary>
    public override string ToString() => $"torch={TorchThreads},blas={BlasThreads}" + (BlasThreadTimeout is null ? "" : $",timeout={BlasThreadTimeout}");
}

/// <summary>
/// Runs a peer script from Bench/ with PyTorch (<c>$LAB_PYTHON</c>, else /usr/bin/python3: Debian's python3-torch, the same
/// libtorch as ours) under a given thread configuration.
/// </summary>
internal static class PyTorchPeer
{
    /// <summary>The Python that runs the peers.</summary>
    public static string Python => Environment.GetEnvironmentVariable("LAB_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    /// <summary>ops_peer.py: microsecond timings of the small ops.</summary>
    public static Dictionary<string, double> Run(PeerConfiguration config) => Run("ops_peer.py", config);

    /// <summary>
    /// Runs <c>python3 Bench/SCRIPT TORCH_THREADS [ARGS...]</c> with <c>OPENBLAS_NUM_THREADS</c> (and
    /// <c>OPENBLAS_THREAD_TIMEOUT</c>, or none) set and returns the JSON object it prints.
    /// </summary>
    public static Dictionary<string, double> Run(string script, PeerConfiguration config, params string[] arguments)
    {
        using Process p = Process.Start(StartInfo(script, config, arguments)) ?? throw new InvalidOperationException("cannot start " + Python);
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw Failed(script, stderr.Result);
        return JsonSerializer.Deserialize<Dictionary<string, double>>(stdout) ?? throw new InvalidDataException($"PyTorch peer {script} printed no result");
    }

    /// <summary>How a peer script is started: the thread configuration in its arguments and environment.</summary>
    internal static ProcessStartInfo StartInfo(string script, PeerConfiguration config, IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Bench", script));
        psi.ArgumentList.Add(config.TorchThreads.ToString(CultureInfo.InvariantCulture));
        foreach (string a in arguments) psi.ArgumentList.Add(a);
        psi.Environment["OPENBLAS_NUM_THREADS"] = config.BlasThreads.ToString(CultureInfo.InvariantCulture);
        if (config.BlasThreadTimeout is null) psi.Environment.Remove("OPENBLAS_THREAD_TIMEOUT");
        else psi.Environment["OPENBLAS_THREAD_TIMEOUT"] = config.BlasThreadTimeout;
        // The same OpenBLAS kernels as ours when the binding chose them by measurement: the ratio compares the stacks, not the BLAS.
        if (TorchBinding.BlasCoreTypes.Source == "measured" && TorchBinding.torch.blas.corename() is { Length: > 0 } core) psi.Environment["OPENBLAS_CORETYPE"] = core;
        return psi;
    }

    internal static InvalidOperationException Failed(string script, string stderr) =>
        new($"PyTorch peer {script} failed (is python3-torch installed? ./lab setup installs it):\n{stderr}");
}
