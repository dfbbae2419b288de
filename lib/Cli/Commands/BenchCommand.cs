using System.CommandLine;

namespace Cli.Commands;

/// <summary><c>lab bench NAME</c>: benchmarks that print ratios against the PyTorch peer measured in the same run.</summary>
internal static class BenchCommand
{
    public static Command Build()
    {
        var command = new Command("bench", "benchmarks: ratios against PyTorch measured in the same run, one JSON line each");
        command.Subcommands.Add(Sub("ops", "per-op cost (4x4 add, 1024² matmul, BiLSTM forward+backward) vs PyTorch", Bench.OpsBenchmark.Run));
        command.Subcommands.Add(Sub("overhead", "a 4x4 add taken apart: P/Invoke, handles, dispatch, allocation (ns each) vs PyTorch's whole add", Bench.OverheadBenchmark.Run));
        command.Subcommands.Add(Sub("threads", "every (libtorch threads, OpenBLAS threads) setting on both sides: how the default was chosen", Bench.ThreadsBenchmark.Run));
        command.Subcommands.Add(Bench.BilstmCrfBenchmark.Build());
        command.Subcommands.Add(Bench.BertBenchmark.Build());
        command.Subcommands.Add(Bench.BlasCoreTypeBenchmark.Build());
        command.Subcommands.Add(Bench.AllBenchmarks.Build());
        return command;
    }

    private static Command Sub(string name, string description, Func<int> run)
    {
        var command = new Command(name, description);
        command.SetAction(_ => run());
        return command;
    }
}
