using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ClinicalNer.Models.Bert;
using ClinicalNer.Training;
using TorchBinding;
using static TorchBinding.torch;
using static TorchBinding.torch.distributed;

namespace Benchmarks;

/// <summary>
/// <c>lab bench ddp</c>: training throughput with 2 ranks of 1 thread each, ours (<see cref="DataParallel"/> over the
/// binding's gloo group) against PyTorch's DistributedDataParallel over gloo (ddp_peer.py), in interleaved rounds of the
/// same length, for the BiLSTM-CRF of <c>lab bench bilstm-crf</c> (each rank a batch of 16 x 100 characters) and the
/// BERT-small tagger of <c>lab bench bert</c> (each rank 8 x 128 tokens); and ours with 2 ranks against ours in one
/// process of the machine's threads on the global batch, so that a reader sees what data parallelism costs on one
/// machine; and ours with every bucket reduced after the backward pass instead of during it, so that a reader sees what
/// the overlap gains. One JSON line; throughputs count every rank's batch.
/// </summary>
internal static class DdpBenchmark
{
    private const int Ranks = 2;

    /// <summary>A model of the benchmark: its name for the worker, each rank's batch, and positions per sequence.</summary>
    private sealed record Workload(string Name, int RankBatch, int Length);

    private static readonly Workload Lstm = new("bilstm-crf", 16, 100), Bert = new("bert-small", 8, 128);

    private static BertConfig BertSmall => BertConfig.Preset("small") with { VocabSize = 21128 };

    /// <summary>The benchmark's JSON line, <paramref name="rounds"/> interleaved rounds of <paramref name="seconds"/> each side.</summary>
    public static Dictionary<string, object> Measure(double seconds, int rounds)
    {
        var lstm = Rounds(Lstm, seconds, rounds);
        var bert = Rounds(Bert, seconds, rounds);
        var line = new Dictionary<string, object>
        {
            ["bench"] = "ddp",
            ["shape"] = $"{Ranks} ranks of 1 thread, gloo on 127.0.0.1; BiLSTM-CRF (emb 100, hidden 128x2, 11 tags) batch {Lstm.RankBatch} x {Lstm.Length} " +
                        $"chars a rank; BERT-small tagger batch {Bert.RankBatch} x {Bert.Length} tokens a rank",
        };
        foreach (var (key, value) in lstm.Json("chars")) line[key] = value;   // the BiLSTM-CRF at the top level (the goal's line)
        line["bert_small"] = bert.Json("tokens");
        line["one_process_threads"] = Threading.Description;
        line["machine"] = MachineInfo.Describe();
        return line;
    }

    private sealed record Result(List<double> Ours, List<double> Peer, List<double> OneProcess, List<double> OursAllReduceShare, List<double> AfterBackward)
    {
        public Dictionary<string, object> Json(string unit)
        {
            var pairs = Ours.Zip(Peer, (o, p) => o / p).Order().ToList();
            return new Dictionary<string, object>
            {
                [$"ours_ddp_{unit}_per_s"] = Math.Round(Ours.Max()),
                [$"pytorch_ddp_{unit}_per_s"] = Math.Round(Peer.Max()),
                ["ddp_ratio"] = Math.Round(Ours.Max() / Peer.Max(), 3),
                ["paired_ratio_median"] = Math.Round(pairs[pairs.Count / 2], 3),
                [$"ours_one_process_{unit}_per_s"] = Math.Round(OneProcess.Max()),
                ["ours_ddp_vs_one_process"] = Math.Round(Ours.Max() / OneProcess.Max(), 3),
                // The share of our step spent waiting for the gradient all-reduce after the backward pass (what the overlap
                // did not hide; waiting for the other rank included).
                ["ours_allreduce_wait_share"] = Math.Round(OursAllReduceShare.Order().ElementAt(OursAllReduceShare.Count / 2), 4),
                // Ours with every bucket reduced after the backward pass: what overlapping them with it gains.
                [$"ours_after_backward_{unit}_per_s"] = Math.Round(AfterBackward.Max()),
                ["overlap_gain"] = Math.Round(Ours.Max() / AfterBackward.Max(), 3),
                ["rounds"] = new
                {
                    ours = Ours.Select(v => Math.Round(v)), pytorch = Peer.Select(v => Math.Round(v)), one_process = OneProcess.Select(v => Math.Round(v)),
                    after_backward = AfterBackward.Select(v => Math.Round(v)),
                },
            };
        }
    }

    private static Result Rounds(Workload w, double seconds, int rounds)
    {
        var result = new Result([], [], [], [], []);
        int globalBatch = Ranks * w.RankBatch;
        for (int round = 0; round < rounds; round++)
        {
            var ours = Launch(rank => OurRank(w, seconds, overlap: true));
            result.Ours.Add(ours["train_per_s"]);
            result.OursAllReduceShare.Add(ours["allreduce_share"]);
            result.AfterBackward.Add(Launch(rank => OurRank(w, seconds, overlap: false))["train_per_s"]);
            result.Peer.Add(Launch(rank => PeerRank(w, seconds))["train_per_s"]);
            result.OneProcess.Add(w == Lstm
                ? BilstmCrfBenchmark.WithModel((train, _) => Throughput.BestPerSecond(train, globalBatch * w.Length, seconds), batch: globalBatch)
                : BertBenchmark.WithTrainingStep(BertSmall, globalBatch, torch.CPU, false, step => Throughput.BestPerSecond(step, globalBatch * w.Length, seconds)));
        }
        return result;
    }

    /// <summary>
    /// One of our ranks (a process started by <see cref="Measure"/> with the env:// variables): joins the group, trains
    /// <paramref name="model"/> data-parallel, and on rank 0 prints {"train_per_s": ...} (the procedure of ddp_peer.py).
    /// </summary>
    public static int Worker(double seconds, string model, bool overlap)
    {
        var w = model == Bert.Name ? Bert : model == Lstm.Name ? Lstm : throw new ArgumentException($"lab bench ddp: no workload '{model}' ({Lstm.Name}, {Bert.Name})");
        var group = init_process_group("gloo", timeout: TimeSpan.FromMinutes(2));
        var parallel = new DataParallel(group);
        int rank = parallel.Rank, world = parallel.WorldSize;
        var reducing = new Stopwatch();
        Reducer? reducer = null;
        void Start(nn.Module network)
        {
            parallel.BroadcastFromMain(network);
            reducer = parallel.Reducer(network.parameters().ToList());
        }
        void Before(Tensor loss) => reducer!.prepare_for_backward(loss, DataParallel.Weight(w.RankBatch, w.RankBatch * world), overlap);
        void After()
        {
            reducing.Start();
            reducer!.finalize_backward();
            reducing.Stop();
        }
        int Timed(Action train)
        {
            for (int i = 0; i < 3; i++) train();
            parallel.Barrier();
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 3; i++) train();
            // Rank 0 decides how many steps make the round, so that every rank runs as many.
            var steps = tensor(new long[] { Math.Max(3, (long)(seconds / (clock.Elapsed.TotalSeconds / 3))) });
            group.broadcast(steps, 0);
            long n = steps.item<long>();
            parallel.Barrier();
            clock.Restart();
            reducing.Reset();
            for (long i = 0; i < n; i++) train();
            parallel.Barrier();
            double elapsed = clock.Elapsed.TotalSeconds;
            if (rank == 0)
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double>
                {
                    ["train_per_s"] = n * w.RankBatch * w.Length * world / elapsed, ["steps"] = n, ["allreduce_share"] = reducing.Elapsed.TotalSeconds / elapsed,
                }));
            return 0;
        }
        if (w == Lstm)
            BilstmCrfBenchmark.WithModel((train, _) => Timed(train), batch: w.RankBatch, dataSeed: 1 + rank, start: Start, beforeBackward: Before, afterBackward: After);
        else
            BertBenchmark.WithTrainingStep(BertSmall, w.RankBatch, torch.CPU, false, Timed, dataSeed: 1 + rank, start: Start, beforeBackward: Before, afterBackward: After);
        reducer?.Dispose();
        destroy_process_group();
        return 0;
    }

    private static ProcessStartInfo OurRank(Workload w, double seconds, bool overlap)
    {
        var psi = ClinicalNer.Runs.ThisProgram.Again(["bench", "ddp", "--worker", w.Name, "--seconds", seconds.ToString(CultureInfo.InvariantCulture),
            .. overlap ? Array.Empty<string>() : ["--after-backward"]]);
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.Environment["CNER_TORCH_THREADS"] = "1";
        psi.Environment["CNER_BLAS_THREADS"] = "1";
        return psi;
    }

    private static ProcessStartInfo PeerRank(Workload w, double seconds) =>
        PyTorchPeer.StartInfo("ddp_peer.py", new PeerConfiguration(1, 1, blas.DefaultThreadTimeout),
            [seconds.ToString(CultureInfo.InvariantCulture), w.RankBatch.ToString(CultureInfo.InvariantCulture), w.Name]);

    // Starts the ranks of one job on a free port and returns rank 0's measurements (train_per_s, ...).
    private static Dictionary<string, double> Launch(Func<int, ProcessStartInfo> start)
    {
        int port = FreeLocalPort();
        var processes = Enumerable.Range(0, Ranks).Select(rank =>
        {
            var psi = start(rank);
            SetLocalRankEnvironment(psi.Environment, rank, Ranks, port);
            return Process.Start(psi)!;
        }).ToList();
        var outputs = processes.Select(p => (Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync())).ToList();
        foreach (var p in processes) p.WaitForExit();
        for (int r = 0; r < Ranks; r++)
            if (processes[r].ExitCode != 0)
                throw new InvalidOperationException($"lab bench ddp: rank {r} of {processes[r].StartInfo.FileName} exited with {processes[r].ExitCode}:\n{outputs[r].Err.Result}");
        string line = outputs[0].Out.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'));
        return JsonSerializer.Deserialize<Dictionary<string, double>>(line)!;
    }
}
