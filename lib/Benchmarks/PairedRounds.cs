namespace Benchmarks;

/// <summary>
/// A ratio ours / PyTorch's from rounds taken in alternation: the median of the pairs' ratios and a distribution-free
/// 95 % interval for that median. Within a pair both sides ran a few seconds apart, so a slow stretch of a shared host
/// (measured here: the same 1024² product at 9.6 ms for some seconds, at 11.7 ms for others) that slows both alike
/// cancels in the ratio; one that slows one workload more than the other shows as spread (environment.md). The median
/// and interval are derived from the rounds (<see cref="PairedRounds.MedianInterval"/>: at least 6 pairs).
/// </summary>
internal sealed record PairedRatio(IReadOnlyList<(double Ours, double Peer)> Rounds, string PeerThreads)
{
    private readonly double[] sorted = Rounds.Select(r => r.Ours / r.Peer).Order().ToArray();
    private readonly (int Low, int High) interval = PairedRounds.MedianInterval(Rounds.Count);

    /// <summary>The median of the pairs' ratios ours / peer.</summary>
    public double Median => PairedRounds.Median(sorted);

    /// <summary>The 95 % interval of that median: its lower and upper order statistics.</summary>
    public double Low => sorted[interval.Low];

    public double High => sorted[interval.High];

    /// <summary>
    /// The benchmark line's entry: ratio (the median), ci95, pairs, each side's median round (in the benchmark's unit),
    /// every pair's ratio in the order taken, and the peer's thread setting.
    /// </summary>
    public Dictionary<string, object> ToJson() => new()
    {
        ["ratio"] = Math.Round(Median, 3),
        ["ci95"] = new[] { Math.Round(Low, 3), Math.Round(High, 3) },
        ["pairs"] = Rounds.Count,
        ["ours_median"] = Math.Round(PairedRounds.Median(Rounds.Select(r => r.Ours)), 3),
        ["pytorch_median"] = Math.Round(PairedRounds.Median(Rounds.Select(r => r.Peer)), 3),
        ["ratios"] = Rounds.Select(r => Math.Round(r.Ours / r.Peer, 3)).ToArray(),
        ["pytorch_threads"] = PeerThreads,
    };
}

/// <summary>Paired rounds of our side and the peer's, and what they say about the ratio.</summary>
internal static class PairedRounds
{
    /// <summary>
    /// <paramref name="pairs"/> pairs of one round each of ours and the peer's, taking turns at going first (a drift of
    /// the host within a pair then favours neither side); each pair gives ours / peer's.
    /// </summary>
    public static PairedRatio Measure(Func<double> ours, PeerSession peer, string peerCase, double seconds, int pairs) =>
        new(Rounds(ours, () => peer.Round(peerCase, seconds), pairs), peer.Config.ToString());

    /// <summary>The pairs' rounds (ours(), peer()), the first side alternating from pair to pair.</summary>
    internal static List<(double Ours, double Peer)> Rounds(Func<double> ours, Func<double> peer, int pairs)
    {
        var rounds = new List<(double, double)>(pairs);
        for (int k = 0; k < pairs; k++)
        {
            double o, p;
            if (k % 2 == 0) (o, p) = (ours(), peer());
            else (p, o) = (peer(), ours());
            rounds.Add((o, p));
        }
        return rounds;
    }

    internal static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>
    /// Ranks (0-based) of the order statistics X(k) and X(n+1-k) between which the median of any continuous distribution
    /// lies with probability at least <paramref name="confidence"/>, given n draws: the largest k with
    /// 2 P(Binomial(n, 1/2) &lt;= k - 1) &lt;= 1 - confidence (the median is outside only when k or more draws fall on
    /// one side of it). For 95 %, n = 6 gives the extremes, n = 10 the 2nd and 9th.
    /// </summary>
    internal static (int Low, int High) MedianInterval(int n, double confidence = 0.95)
    {
        double term = Math.Pow(0.5, n);   // P(B = j), from j = 0
        double tail = 0;                  // P(B <= j)
        int k = 0;
        for (int j = 0; j < n; j++)
        {
            tail += term;
            if (2 * tail > 1 - confidence) break;
            k = j + 1;
            term *= (double)(n - j) / (j + 1);
        }
        if (k == 0) throw new ArgumentOutOfRangeException(nameof(n), n, $"{n} pairs are too few for a {confidence:P0} interval of the median");
        return (k - 1, n - k);
    }
}
