using System.Diagnostics;
using TorchBinding;
using static TorchBinding.torch;

namespace Cli.Bench;

/// <summary>The benchmark cases on our binding; the same shapes as ops_peer.py.</summary>
internal static class OurCases
{
    /// <summary>Times every case, each the best of <paramref name="rounds"/> rounds.</summary>
    public static Dictionary<string, double> Run(int rounds = 3)
    {
        manual_seed(0);
        using var keep = NewDisposeScope();
        var a = randn(4, 4);
        var b = randn(4, 4);
        var m1 = randn(1024, 1024);
        var m2 = randn(1024, 1024);
        using var lstm = nn.LSTM(100, 128, batch_first: true, bidirectional: true);
        var x = randn(32, 100, 100);
        return new Dictionary<string, double>
        {
            ["add_4x4"] = Time(() => { using var r = a + b; }, 1.0, rounds: rounds),
            ["matmul_1024"] = Time(() => { using var r = m1.matmul(m2); }, 2.0, rounds: rounds),
            ["lstm_fwd_bwd_32x100"] = Time(() =>
            {
                using var step = NewDisposeScope();
                var (output, _, _) = lstm.call(x);
                output.sum().backward();
                lstm.zero_grad();
            }, 3.0, rounds: rounds),
        };
    }

    /// <summary>
    /// Microseconds per call: two warm-up calls, then the best of <paramref name="rounds"/> rounds of at
    /// least seconds/rounds each (the machine is noisy). Same method as ops_peer.py's timeit.
    /// </summary>
    public static double Time(Action body, double seconds, int minIterations = 5, int rounds = 3)
    {
        body();
        body();
        double best = double.MaxValue;
        for (int r = 0; r < rounds; r++)
        {
            long iterations = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds / rounds || iterations < minIterations)
            {
                body();
                iterations++;
            }
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds * 1000 / iterations);
        }
        return best;
    }
}
