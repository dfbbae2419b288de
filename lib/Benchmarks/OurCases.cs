using System.Diagnostics;
using TorchBinding;
using static TorchBinding.torch;

namespace Benchmarks;

/// <summary>The benchmark cases on our binding, the same shapes as ops_peer.py, with the tensors they use.</summary>
internal sealed class OurCases : IDisposable
{
    private readonly Tensor a, b, m1, m2, x;
    private readonly TorchBinding.Modules.LSTM lstm;

    public OurCases()
    {
        manual_seed(0);
        a = randn(4, 4).DetachFromDisposeScope();
        b = randn(4, 4).DetachFromDisposeScope();
        m1 = randn(1024, 1024).DetachFromDisposeScope();
        m2 = randn(1024, 1024).DetachFromDisposeScope();
        lstm = nn.LSTM(100, 128, batch_first: true, bidirectional: true);
        x = randn(32, 100, 100).DetachFromDisposeScope();
        All = new Dictionary<string, (Action, double)>
        {
            ["add_4x4"] = (() => { using var r = a + b; }, 1.0),
            ["matmul_1024"] = (() => { using var r = m1.matmul(m2); }, 2.0),
            ["lstm_fwd_bwd_32x100"] = (() =>
            {
                using var step = NewDisposeScope();
                var (output, _, _) = lstm.call(x);
                output.sum().backward();
                lstm.zero_grad();
            }, 3.0),
        };
    }

    /// <summary>Each case's body and the seconds its three timed rounds take together (as ops_peer.py's).</summary>
    public IReadOnlyDictionary<string, (Action Body, double Seconds)> All { get; }

    /// <summary>Times every case, each the best of <paramref name="rounds"/> rounds.</summary>
    public static Dictionary<string, double> Run(int rounds = 3)
    {
        using var cases = new OurCases();
        return cases.All.ToDictionary(c => c.Key, c => Time(c.Value.Body, c.Value.Seconds, rounds: rounds));
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

    public void Dispose()
    {
        lstm.Dispose();
        foreach (var t in new[] { a, b, m1, m2, x }) t.Dispose();
    }
}
