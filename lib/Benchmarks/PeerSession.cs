using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Benchmarks;

/// <summary>
/// A peer script kept running to time single rounds on request (<c>LAB_PEER_SERVE=1</c>, peer_timing.serve), so that its
/// rounds can alternate with ours in time (<see cref="PairedRounds"/>). Started with the same arguments, thread settings
/// and BLAS kernels as <see cref="PyTorchPeer.Run(string, PeerConfiguration, string[])"/>; disposing it closes its input
/// and it exits.
/// </summary>
internal sealed class PeerSession : IDisposable
{
    private readonly string script;
    private readonly Process process;
    private readonly Task<string> stderr;

    public PeerSession(string script, PeerConfiguration config, params string[] arguments)
    {
        this.script = script;
        Config = config;
        var psi = PyTorchPeer.StartInfo(script, config, arguments);
        psi.RedirectStandardInput = true;
        psi.Environment["LAB_PEER_SERVE"] = "1";
        process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + PyTorchPeer.Python);
        stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var ready = Reply();
            if (!ready.TryGetProperty("ready", out var cases))
                throw new InvalidDataException($"PyTorch peer {script} answered '{ready}' where it announces its cases");
            Cases = cases.EnumerateArray().Select(c => c.GetString()!).ToList();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The thread setting the peer runs under.</summary>
    public PeerConfiguration Config { get; }

    /// <summary>The cases the peer can time.</summary>
    public IReadOnlyList<string> Cases { get; }

    /// <summary>One round of <paramref name="name"/> lasting at least <paramref name="seconds"/>: the peer's value (its unit is the script's).</summary>
    public double Round(string name, double seconds)
    {
        process.StandardInput.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} {seconds}"));
        process.StandardInput.Flush();
        var reply = Reply();
        if (reply.TryGetProperty("error", out var error)) throw new ArgumentException($"PyTorch peer {script}: {error.GetString()}", nameof(name));
        return reply.GetProperty("value").GetDouble();
    }

    // The peer's next line as JSON; if it ended instead, the error it wrote.
    private JsonElement Reply()
    {
        string? line = process.StandardOutput.ReadLine();
        if (line is null)
        {
            process.WaitForExit();
            throw PyTorchPeer.Failed(script, stderr.Result);
        }
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }

    public void Dispose()
    {
        try
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(10_000)) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // it had already exited
        }
        process.Dispose();
    }
}
