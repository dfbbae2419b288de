using Benchmarks;

namespace Cli.Tests.Bench;

/// <summary>The paired-rounds ratio: the median's distribution-free interval, the summary and the alternation.</summary>
public class PairedRoundsTests
{
    // Brute force: over all 2^n equally likely patterns of draws below/above the true median, the probability that
    // X(k) <= median <= X(n+1-k), i.e. that fewer than k draws fall below it and fewer than k above it does not happen.
    private static double Coverage(int n, int k)
    {
        long inside = 0;
        for (long pattern = 0; pattern < 1L << n; pattern++)
        {
            int below = System.Numerics.BitOperations.PopCount((ulong)pattern);
            if (below >= k && n - below >= k) inside++;
        }
        return (double)inside / (1L << n);
    }

    [Fact]
    public void Median_interval_covers_95_percent_and_is_the_narrowest_that_does()
    {
        for (int n = 6; n <= 20; n++)
        {
            var (low, high) = PairedRounds.MedianInterval(n);
            int k = low + 1;
            Assert.Equal(n - k, high);
            Assert.True(Coverage(n, k) >= 0.95, $"n={n}: ranks {k}..{n + 1 - k} cover {Coverage(n, k):F4}");
            Assert.True(Coverage(n, k + 1) < 0.95, $"n={n}: ranks {k + 1}..{n - k} would still cover {Coverage(n, k + 1):F4}");
        }
    }

    [Fact]
    public void Median_interval_of_the_usual_counts_matches_the_tables()
    {
        Assert.Equal((0, 5), PairedRounds.MedianInterval(6));    // the extremes, 96.9 %
        Assert.Equal((0, 7), PairedRounds.MedianInterval(8));    // 99.2 %: ranks 2..7 would give only 93.0 %
        Assert.Equal((1, 8), PairedRounds.MedianInterval(10));   // 97.9 %
        Assert.Equal((2, 9), PairedRounds.MedianInterval(12));   // 96.1 %
    }

    [Fact]
    public void Too_few_pairs_for_an_interval_are_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PairedRounds.MedianInterval(5));
        Assert.Contains("5 pairs are too few", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_is_the_median_and_the_order_statistics_of_the_pairs_ratios()
    {
        double[] ratios = [1.05, 0.97, 1.01, 0.99, 1.20, 1.00, 0.98, 1.02, 1.03, 0.90];   // sorted: .90 .97 .98 .99 1.00 1.01 1.02 1.03 1.05 1.20
        var rounds = ratios.Select((r, k) => (Ours: r * (k + 1), Peer: k + 1.0)).ToList();   // the peer's rounds 1..10
        var even = new PairedRatio(rounds, "torch=1,blas=2");
        Assert.Equal((1.00 + 1.01) / 2, even.Median, 12);
        Assert.Equal(0.97, even.Low, 12);     // 2nd
        Assert.Equal(1.05, even.High, 12);    // 9th
        var odd = new PairedRatio(rounds.Take(7).ToList(), "");   // .97 .98 .99 1.00 1.01 1.05 1.20
        Assert.Equal(1.00, odd.Median, 12);
        Assert.Equal(0.97, odd.Low, 12);
        Assert.Equal(1.20, odd.High, 12);
        var json = even.ToJson();
        Assert.Equal(1.005, json["ratio"]);
        Assert.Equal(new[] { 0.97, 1.05 }, (double[])json["ci95"]);
        Assert.Equal(10, json["pairs"]);
        Assert.Equal(5.5, json["pytorch_median"]);
        Assert.Equal(PairedRounds.Median(rounds.Select(r => r.Ours)), (double)json["ours_median"], 3);
        Assert.Equal(ratios, (double[])json["ratios"]);   // in the order taken
        Assert.Equal("torch=1,blas=2", json["pytorch_threads"]);
    }

    [Fact]
    public void Pairs_take_turns_at_going_first()
    {
        var calls = new List<string>();
        int ourCalls = 0, peerCalls = 0;
        var rounds = PairedRounds.Rounds(() => { calls.Add("ours"); return 10.0 * ++ourCalls; }, () => { calls.Add("peer"); return 5.0 * ++peerCalls; }, 4);
        Assert.Equal(["ours", "peer", "peer", "ours", "ours", "peer", "peer", "ours"], calls);
        Assert.Equal([(10.0, 5.0), (20.0, 10.0), (30.0, 15.0), (40.0, 20.0)], rounds);
    }
}
