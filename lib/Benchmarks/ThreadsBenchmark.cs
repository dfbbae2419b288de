using System.Text.Json;
using TorchBinding;

namespace Benchmarks;

/// <summary>
/// <c>lab bench threads</c>: every (libtorch threads, OpenBLAS threads) configuration on our binding and
/// on PyTorch, one JSON line each: the measurement behind <see cref="Threading"/>'s default.
/// </summary>
internal static class ThreadsBenchmark
{
    public static int Run()
    {
        foreach (var line in Measure()) Console.WriteLine(JsonSerializer.Serialize(line));
        return 0;
    }

    /// <summary>One JSON line per thread configuration.</summary>
    public static List<Dictionary<string, object>> Measure()
    {
        var lines = new List<Dictionary<string, object>>();
        var (torchBefore, blasBefore) = (torch.get_num_threads(), Math.Max(1, torch.blas.get_num_threads()));
        int cores = Environment.ProcessorCount;
        foreach (var (torchThreads, blasThreads) in new[] { (1, 1), (cores, 1), (1, cores), (cores, cores) }.Distinct())
        {
            Threading.Configure(torchThreads, blasThreads);
            Dictionary<string, double> ours = OurCases.Run();
            Dictionary<string, double> peer = PyTorchPeer.Run(new PeerConfiguration(torchThreads, blasThreads, torch.blas.DefaultThreadTimeout));
            var line = new Dictionary<string, object> { ["bench"] = "threads", ["torch_threads"] = torchThreads, ["blas_threads"] = blasThreads };
            foreach (var (name, us) in ours)
                line[name] = new { ours_us = Math.Round(us, 1), pytorch_us = Math.Round(peer[name], 1) };
            lines.Add(line);
        }
        Threading.Configure(torchBefore, blasBefore);   // what follows (bench all) runs as it would have
        return lines;
    }
}
