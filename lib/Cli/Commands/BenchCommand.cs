namespace Cli.Commands;

/// <summary><c>lab bench NAME</c>: benchmarks that print ratios against the PyTorch peer measured in the same run.</summary>
internal static class BenchCommand
{
    public static int Run(string[] args) => args.FirstOrDefault() switch
    {
        "ops" => Bench.OpsBenchmark.Run(),
        "threads" => Bench.ThreadsBenchmark.Run(),
        "bilstm-crf" => Bench.BilstmCrfBenchmark.Run(),
        "bert" => Bench.BertBenchmark.Run(),
        _ => throw new ArgumentException("usage: lab bench ops|threads|bilstm-crf|bert"),
    };
}
