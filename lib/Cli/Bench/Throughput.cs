using System.Diagnostics;

namespace Cli.Bench;

/// <summary>How our side of a benchmark is timed (the Python peers time theirs the same way).</summary>
internal static class Throughput
{
    /// <summary>
    /// Units per second of <paramref name="step"/>: two warm-up calls, then the best of three rounds of
    /// <paramref name="seconds"/>/3 each (at least two calls per round).
    /// </summary>
    public static double BestPerSecond(Action step, int units, double seconds)
    {
        step();
        step();
        double best = 0;
        for (int round = 0; round < 3; round++)
        {
            int n = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds / 3 || n < 2)
            {
                step();
                n++;
            }
            best = Math.Max(best, n * units / clock.Elapsed.TotalSeconds);
        }
        return best;
    }
}
