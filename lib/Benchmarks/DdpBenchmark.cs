using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ClinicalNer.Training;
using TorchBinding;
using static TorchBinding.torch;
using static TorchBinding.torch.distributed;

namespace Benchmarks;

/// <summary>
/// <c>lab bench ddp</c>: BiLSTM-CRF training throughput (the model of <c>lab bench bilstm-crf</c>, each rank a batch of
/// 16 x 100 characters) with 2 ranks of 1 thread each, ours (<see cref="DataParallel"/> over the binding's gloo group)
/// against PyTorch's DistributedDataParallel over gloo (ddp_peer.py), in interleaved rounds of the same length; and ours
/// with 2 ranks against ours in one process of 2 threads on the global batch of 32, so that a reader sees what data
/// parallelism costs on one machine. One JSON line; characters per second count every rank's batch.
/// </summary>
internal static class DdpBenchmark
{
    private const int Ranks = 2, RankBatch = 16, Length = 100;

    /// <summary>The benchmark's JSON line, <paramref name="rounds"/> interleaved rounds of <paramref name="seconds"/> each side.</summary>
    public static Dictionary<string, object> Measure(double seconds, int rounds)
    {
        var ours = new List<double>();
        var peer = new List<double>();
        var single = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            ours.Add(Launch(rank => OurRank(rank, seconds)));
            peer.Add(Launch(rank => PeerRank(rank, seconds)));
            single.Add(BilstmCrfBenchmark.WithModel((train, _) => Throughput.BestPerSecond(train, Ranks * RankBatch * Length, seconds), batch: Ranks * RankBatch));
        }
        var pairRatios = ours.Zip(peer, (o, p) => o / p).Order().ToList();
        return new Dictionary<string, object>
        {
            ["bench"] = "ddp",
            ["shape"] = $"BiLSTM-CRF (emb 100, hidden 128x2, 11 tags), {Ranks} ranks x batch {RankBatch} x {Length} chars, 1 thread each, gloo on 127.0.0.1",
            ["ours_ddp_chars_per_s"] = Math.Round(ours.Max()),
            ["pytorch_ddp_chars_per_s"] = Math.Round(peer.Max()),
            ["ddp_ratio"] = Math.Round(ours.Max() / peer.Max(), 3),
            ["paired_ratio_median"] = Math.Round(pairRatios[pairRatios.Count / 2], 3),
            ["ours_one_process_chars_per_s"] = Math.Round(single.Max()),
            ["one_process_threads"] = Threading.Description,
            ["ours_ddp_vs_one_process"] = Math.Round(ours.Max() / single.Max(), 3),
            ["rounds"] = new { ours = ours.Select(v => Math.Round(v)), pytorch = peer.Select(v => Math.Round(v)), one_process = single.Select(v => Math.Round(v)) },
            ["machine"] = MachineInfo.Describe(),
        };
    }

    /// <summary>
    /// One of our ranks (a process started by <see cref="Measure"/> with the env:// variables): joins the group, trains the
    /// benchmark's model data-parallel, and on rank 0 prints {"train_chars_per_s": ...} (the procedure of ddp_peer.py).
    /// </summary>
    public static int Worker(double seconds)
    {
        var group = distributed.init_process_group("gloo", timeout: TimeSpan.FromMinutes(2));
        var parallel = new DataParallel(group);
        int rank = parallel.Rank, world = parallel.WorldSize;
        BilstmCrfBenchmark.WithModel((train, _) =>
        {
            for (int i = 0; i < 3; i++) train();
            parallel.Barrier();
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 3; i++) train();
            var steps = tensor(new long[] { Math.Max(3, (long)(seconds / (clock.Elapsed.TotalSeconds / 3))) });
            group.broadcast(steps, 0);
            long n = steps.item<long>();
            parallel.Barrier();
            clock.Restart();
            for (long i = 0; i < n; i++) train();
            parallel.Barrier();
            double elapsed = clock.Elapsed.TotalSeconds;
            if (rank == 0) Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double> { ["train_chars_per_s"] = n * RankBatch * Length * world / elapsed, ["steps"] = n }));
            return 0;
        }, batch: RankBatch, dataSeed: 1 + rank, start: parallel.BroadcastFromMain,
            afterBackward: parameters => parallel.AverageGradients(parameters, RankBatch, RankBatch * world));
        distributed.destroy_process_group();
        return 0;
    }

    private static ProcessStartInfo OurRank(int rank, double seconds)
    {
        string self = Environment.ProcessPath!, dll = Environment.GetCommandLineArgs()[0];
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (!string.Equals(Path.GetFullPath(self), Path.GetFullPath(dll), StringComparison.Ordinal)) psi.ArgumentList.Add(dll);
        foreach (string a in new[] { "bench", "ddp", "--worker", "--seconds", seconds.ToString(CultureInfo.InvariantCulture) }) psi.ArgumentList.Add(a);
        psi.Environment["CNER_TORCH_THREADS"] = "1";
        psi.Environment["CNER_BLAS_THREADS"] = "1";
        return psi;
    }

    private static ProcessStartInfo PeerRank(int rank, double seconds) =>
        PyTorchPeer.StartInfo("ddp_peer.py", new PeerConfiguration(1, 1, blas.DefaultThreadTimeout),
            [seconds.ToString(CultureInfo.InvariantCulture), RankBatch.ToString(CultureInfo.InvariantCulture)]);

    // Starts the ranks of one job on a free port and returns rank 0's throughput.
    private static double Launch(Func<int, ProcessStartInfo> start)
    {
        int port = FreeLocalPort();
        var processes = Enumerable.Range(0, Ranks).Select(rank =>
        {
            var psi = start(rank);
            foreach (var (k, v) in new[] { ("MASTER_ADDR", "127.0.0.1"), ("MASTER_PORT", port.ToString(CultureInfo.InvariantCulture)),
                         ("RANK", rank.ToString(CultureInfo.InvariantCulture)), ("WORLD_SIZE", Ranks.ToString(CultureInfo.InvariantCulture)) })
                psi.Environment[k] = v;
            return Process.Start(psi)!;
        }).ToList();
        var outputs = processes.Select(p => (Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync())).ToList();
        foreach (var p in processes) p.WaitForExit();
        for (int r = 0; r < Ranks; r++)
            if (processes[r].ExitCode != 0)
                throw new InvalidOperationException($"lab bench ddp: rank {r} of {processes[r].StartInfo.FileName} exited with {processes[r].ExitCode}:\n{outputs[r].Err.Result}");
        string line = outputs[0].Out.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'));
        return JsonSerializer.Deserialize<Dictionary<string, double>>(line)!["train_chars_per_s"];
    }

}
