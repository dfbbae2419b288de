using System.Text.Json;
using TorchBinding;

namespace Benchmarks;

/// <summary>
/// <c>lab bench ops</c>: per-op cost of our binding (library default threads) against PyTorch at its
/// best: the peer runs under each thread configuration and the fastest time per case is kept; then each case is
/// timed in alternating rounds against the peer at that setting (<see cref="PairedRounds"/>).
/// </summary>
internal static class OpsBenchmark
{
    private const int Pairs = 12;

    public static int Run()
    {
        Console.WriteLine(JsonSerializer.Serialize(Measure()));
        return 0;
    }

    /// <summary>
    /// The benchmark's JSON line: per case ours, PyTorch's best and the time ratio (below 1: ours faster), and the paired
    /// ratio with its 95 % interval.
    /// </summary>
    public static Dictionary<string, object> Measure()
    {
        int cores = Environment.ProcessorCount;
        // The peer keeps its best time over every thread setting, each the best of three rounds; ours gets as many rounds,
        // three before each of the peer's settings, so both sides sample the same stretches of a shared host (measured
        // all at the start, the same BLAS call read 0.97-1.14 of the peer's time from run to run).
        var ours = new Dictionary<string, double>();
        var best = new Dictionary<string, (double us, PeerConfiguration config)>();
        foreach (var peerConfig in PeerConfiguration.All(cores))
        {
            foreach (var (name, us) in OurCases.Run(rounds: 3))
                ours[name] = ours.TryGetValue(name, out double o) ? Math.Min(o, us) : us;
            foreach (var (name, us) in PyTorchPeer.Run(peerConfig))
                if (!best.TryGetValue(name, out var b) || us < b.us) best[name] = (us, peerConfig);
        }
        var line = new Dictionary<string, object>
        {
            ["bench"] = "ops",
            ["ours_threads"] = Threading.Description,
            ["machine"] = MachineInfo.Describe(),
        };
        using var cases = new OurCases();
        foreach (var (name, us) in ours)
        {
            var (peer, config) = best[name];
            // Rounds as long as one of the three above, ours and the peer's (at its best setting) in turn.
            var (body, seconds) = cases.All[name];
            using var session = new PeerSession("ops_peer.py", config);
            var paired = PairedRounds.Measure(() => OurCases.Time(body, seconds / 3, rounds: 1), session, name, seconds / 3, Pairs);
            line[name] = new Dictionary<string, object>
            {
                ["ours_us"] = Math.Round(us, 3),
                ["pytorch_us"] = Math.Round(peer, 3),
                ["ratio"] = Math.Round(us / peer, 3),
                ["pytorch_threads"] = config.ToString(),
                ["paired"] = paired.ToJson(),
            };
        }
        return line;
    }
}
