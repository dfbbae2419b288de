using System.Diagnostics;

namespace Benchmarks;

/// <summary>How our side of a benchmark is timed (the Python peers time theirs the same way, peer_timing.py).</summary>
internal static class Throughput
{
    /// <summary>
    /// Units per second of <paramref name="step"/>: two warm-up calls, then the best of three rounds of
    /// <paramref name="seconds"/>/3 each.
    /// </summary>
    public static double BestPerSecond(Action step, int units, double seconds)
    {
        step();
        step();
        double best = 0;
        for (int round = 0; round < 3; round++) best = Math.Max(best, PerSecond(step, units, seconds / 3));
        return best;
    }

    /// <summary>
    /// <paramref name="pairs"/> pairs of rounds of at least <paramref name="seconds"/>, units per second of ours (after two
    /// warm-up calls) and of the peer's <paramref name="peerCase"/> in turn (<see cref="PairedRounds"/>).
    /// </summary>
    public static PairedRatio Paired(Action step, int units, PeerSession peer, string peerCase, double seconds, int pairs)
    {
        step();
        step();
        return PairedRounds.Measure(() => PerSecond(step, units, seconds), peer, peerCase, seconds, pairs);
    }

    /// <summary>Units per second over one round of at least <paramref name="seconds"/> (and two calls).</summary>
    public static double PerSecond(Action step, int units, double seconds)
    {
        int n = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds || n < 2)
        {
            step();
            n++;
        }
        return n * units / clock.Elapsed.TotalSeconds;
    }
}
