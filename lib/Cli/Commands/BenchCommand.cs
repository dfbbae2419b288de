using System.CommandLine;
using System.Text.Json;
using Benchmarks;
using TorchBinding;
using static TorchBinding.torch;

namespace Cli.Commands;

/// <summary>
/// <c>lab bench NAME</c>: benchmarks that print ratios against the PyTorch peer measured in the same run (the Benchmarks
/// project measures; this file only declares their options).
/// </summary>
internal static class BenchCommand
{
    public static Command Build()
    {
        var command = new Command("bench", "benchmarks: ratios against PyTorch measured in the same run, one JSON line each");
        command.Subcommands.Add(Sub("ops", "per-op cost (4x4 add, 1024² matmul, BiLSTM forward+backward) vs PyTorch", OpsBenchmark.Run));
        command.Subcommands.Add(Sub("overhead", "a 4x4 add taken apart: P/Invoke, handles, dispatch, allocation (ns each) vs PyTorch's whole add", OverheadBenchmark.Run));
        command.Subcommands.Add(Sub("threads", "every (libtorch threads, OpenBLAS threads) setting on both sides: how the default was chosen", ThreadsBenchmark.Run));
        command.Subcommands.Add(BilstmCrf());
        command.Subcommands.Add(Bert());
        command.Subcommands.Add(Blas());
        command.Subcommands.Add(Word2Vec());
        command.Subcommands.Add(Ddp());
        command.Subcommands.Add(All());
        return command;
    }

    private static Command Sub(string name, string description, Func<int> run)
    {
        var command = new Command(name, description);
        command.SetAction(_ => run());
        return command;
    }

    private static Command BilstmCrf()
    {
        var profile = Options.Flag("--profile", "instead of the comparison: libtorch's operator profile of our training step and decode (where the time goes)");
        var command = new Command("bilstm-crf", "BiLSTM-CRF training chars/s and decoding sentences/s vs a PyTorch reference") { profile };
        command.SetAction(r =>
        {
            Console.Write(r.GetValue(profile) ? BilstmCrfBenchmark.ProfileSteps(steps: 20) : JsonSerializer.Serialize(BilstmCrfBenchmark.Measure()) + "\n");
            return ExitCode.Ok;
        });
        return command;
    }

    private static Command Ddp()
    {
        var seconds = Options.Double("--seconds", "length of each side's round", 6, 0, minExclusive: true);
        var rounds = Options.Int("--rounds", "interleaved rounds (ours with 2 ranks, PyTorch DDP with 2 ranks, ours in one process, ours reducing after the backward pass)", 3, min: 1);
        var worker = new Option<string>("--worker") { Hidden = true, Description = "one of our ranks, training this model (started by the benchmark with the env:// variables)" };
        var afterBackward = new Option<bool>("--after-backward") { Hidden = true, Description = "with --worker: every bucket reduced after the backward pass, none during it" };
        var command = new Command("ddp", "BiLSTM-CRF and BERT-small training with 2 data-parallel ranks of 1 thread: ours vs PyTorch DDP (gloo), and vs one process")
            { seconds, rounds, worker, afterBackward };
        command.SetAction(r =>
        {
            if (r.GetValue(worker) is { } model) return DdpBenchmark.Worker(r.GetValue(seconds), model, overlap: !r.GetValue(afterBackward));
            Console.WriteLine(JsonSerializer.Serialize(DdpBenchmark.Measure(r.GetValue(seconds), r.GetValue(rounds))));
            return ExitCode.Ok;
        });
        return command;
    }

    private static Command Bert()
    {
        var size = Options.Choice("--size", "encoder size", "small", "small", "base");
        var batch = Options.Int("--batch", "sequences per step", 16);
        var device = Options.Device();
        device.DefaultValueFactory = _ => "cpu";
        var bf16 = Options.Flag("--bf16", "both sides under bfloat16 autocast (CUDA, or a CPU with AVX512_BF16/AMX)");
        var pairs = Options.Int("--pairs", "paired rounds against the peer after the best-of rounds (0: none)", 8, min: 0);
        pairs.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is > 0 and < 6 and int v) r.AddError($"--pairs must be 0 or at least 6 (got {v}): fewer pairs give no 95 % interval of the median");
        });
        var profile = Options.Flag("--profile", "instead of the comparison: libtorch's operator profile of our training step (where the time goes)");
        var command = new Command("bert", "BERT token-classifier training tokens/s vs a PyTorch reference, and the share of the matmul peak") { size, batch, device, bf16, pairs, profile };
        command.SetAction(r =>
        {
            var on = Options.DeviceOf(r, device);
            if (r.GetValue(bf16) && on.type == DeviceType.CPU && !cpu_has_bf16())
                throw new ArgumentException("--bf16 on this CPU: it has no bfloat16 instructions (AVX512_BF16 or AMX), so bfloat16 would be emulated");
            if (r.GetValue(profile))
            {
                Console.Write(BertBenchmark.ProfileSteps(r.GetValue(size)!, r.GetValue(batch), on, r.GetValue(bf16), steps: 5));
                return ExitCode.Ok;
            }
            Console.WriteLine(JsonSerializer.Serialize(BertBenchmark.Measure(r.GetValue(size)!, r.GetValue(batch), on, r.GetValue(bf16), r.GetValue(pairs))));
            return ExitCode.Ok;
        });
        return command;
    }

    private static Command Blas()
    {
        var save = Options.Flag("--save", "keep the fastest correct family for this CPU model (the binding sets OPENBLAS_CORETYPE to it at load)");
        var ifMissing = Options.Flag("--if-missing", "with --save: do nothing when this CPU model already has a saved choice");
        var measure = new Option<bool>("--measure") { Hidden = true, Description = "measure the family this process runs (one JSON object)" };
        var command = new Command("blas", "OpenBLAS kernel families this CPU can run: GFLOPS on BERT-sized products and accuracy, and the choice") { save, ifMissing, measure };
        command.SetAction(r =>
        {
            if (!r.GetValue(measure)) return BlasCoreTypeBenchmark.Run(r.GetValue(save), r.GetValue(ifMissing));
            Console.WriteLine(JsonSerializer.Serialize(BlasCoreTypeBenchmark.MeasureHere()));
            return ExitCode.Ok;
        });
        return command;
    }

    private static Command Word2Vec()
    {
        var input = Options.ExistingPath("--input", "raw text to train on (default: unlabeled/ccks2017-emr when found, else the sample repeated)");
        var torchEngine = Options.Flag("--torch", "also time this project's own trainer (minutes on a large corpus)");
        var command = new Command("word2vec", "character vectors by fasttext directly, by lab word2vec (fastText) and by our trainer; one JSON line") { input, torchEngine };
        command.SetAction(r =>
        {
            Console.WriteLine(JsonSerializer.Serialize(Word2VecBenchmark.Measure(r.GetValue(input), r.GetValue(torchEngine))));
            return ExitCode.Ok;
        });
        return command;
    }

    private static Command All()
    {
        var output = Options.OutputFile("--out", "the JSON report to write");
        var command = new Command("all", "every benchmark (blas, ops, overhead, threads, bilstm-crf, bert on the CPU and on a GPU when there is one) and one JSON report with the goals") { output };
        command.SetAction(r => AllBenchmarks.Run(r.GetValue(output)!));
        return command;
    }
}
