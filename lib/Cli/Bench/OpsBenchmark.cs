using System.Text.Json;
using TorchBinding;

namespace Cli.Bench;

/// <summary>
/// <c>lab bench ops</c>: per-op cost of our binding (library default threads) against PyTorch at its
/// best: the peer runs under each thread configuration and the fastest time per case is kept.
/// </summary>
internal static class OpsBenchmark
{
    public static int Run()
    {
        Dictionary<string, double> ours = OurCases.Run();
        int cores = Environment.ProcessorCount;
        var best = new Dictionary<string, (double us, string config)>();
        foreach (var (torchThreads, blasThreads) in new[] { (1, 1), (cores, 1), (1, cores), (cores, cores) }.Distinct())
        {
            foreach (var (name, us) in PyTorchPeer.Run(torchThreads, blasThreads))
                if (!best.TryGetValue(name, out var b) || us < b.us) best[name] = (us, $"torch={torchThreads},blas={blasThreads}");
        }
        var line = new Dictionary<string, object>
        {
            ["bench"] = "ops",
            ["ours_threads"] = $"torch={Threading.TorchThreads},blas={Threading.BlasThreads}",
        };
        foreach (var (name, us) in ours)
        {
            var (peer, config) = best[name];
            line[name] = new Dictionary<string, object>
            {
                ["ours_us"] = Math.Round(us, 3),
                ["pytorch_us"] = Math.Round(peer, 3),
                ["ratio"] = Math.Round(us / peer, 3),
                ["pytorch_threads"] = config,
            };
        }
        Console.WriteLine(JsonSerializer.Serialize(line));
        return 0;
    }
}
