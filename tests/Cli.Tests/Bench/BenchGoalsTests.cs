using Cli.Bench;

namespace Cli.Tests.Bench;

/// <summary>How <c>lab bench all</c> judges its goals from the benchmark lines.</summary>
public class BenchGoalsTests
{
    private static Dictionary<string, object> Paired(double ratio, double low, double high) =>
        new PairedRatio(ratio, low, high, Enumerable.Repeat((ratio, 1.0), 12).ToList(), "torch=1,blas=2").ToJson();

    private static List<Dictionary<string, object>> Lines(Dictionary<string, object> matmul) =>
    [
        new() { ["bench"] = "ops", ["add_4x4"] = new Dictionary<string, object> { ["paired"] = Paired(0.30, 0.29, 0.31) }, ["matmul_1024"] = new Dictionary<string, object> { ["paired"] = matmul } },
        new() { ["bench"] = "bilstm-crf", ["paired_train"] = Paired(3.0, 2.9, 3.1), ["paired_decode"] = Paired(3.9, 3.7, 4.2) },
        new() { ["bench"] = "bert", ["device"] = "cuda:0", ["paired_train"] = Paired(9, 8, 10), ["ours_fraction_of_matmul_peak"] = 0.1 },
        new() { ["bench"] = "bert", ["device"] = "cpu", ["paired_train"] = Paired(1.55, 1.49, 1.6), ["ours_fraction_of_matmul_peak"] = 0.75 },
    ];

    private static Dictionary<string, object> Goal(List<Dictionary<string, object>> goals, string startsWith) =>
        goals.Single(g => ((string)g["goal"]).StartsWith(startsWith, StringComparison.Ordinal));

    [Fact]
    public void A_paired_goal_holds_by_its_median_and_is_decided_only_when_its_interval_stays_on_one_side()
    {
        var goals = AllBenchmarks.Evaluate(Lines(Paired(1.011, 0.987, 1.03)));
        var matmul = Goal(goals, "1024");
        Assert.False((bool)matmul["holds"]);
        Assert.False((bool)matmul["decided"]);
        Assert.Equal(new[] { 0.987, 1.03 }, (double[])matmul["ci95"]);
        Assert.EndsWith("1.011 (95 % interval 0.987-1.03, across the target: not decided at this host's noise)", AllBenchmarks.Describe(matmul), StringComparison.Ordinal);

        var add = Goal(goals, "4x4");
        Assert.True((bool)add["holds"] && (bool)add["decided"]);
        Assert.Equal("holds   4x4 add <= 0.5x PyTorch's time: 0.3 (95 % interval 0.29-0.31)", AllBenchmarks.Describe(add));

        var decode = Goal(goals, "BiLSTM-CRF decoding");   // median 3.9 below 4, interval 3.7-4.2 across it
        Assert.False((bool)decode["holds"]);
        Assert.False((bool)decode["decided"]);
    }

    [Fact]
    public void Goals_read_the_cpu_line_of_a_benchmark_and_plain_numbers_have_no_interval()
    {
        var goals = AllBenchmarks.Evaluate(Lines(Paired(0.99, 0.98, 1.0)));
        Assert.Equal(1.55, Goal(goals, "BERT-small training >= 1.5x")["measured"]);   // not the cuda:0 line's 9
        var peak = Goal(goals, "BERT-small training >= 70");
        Assert.Equal(0.75, peak["measured"]);
        Assert.True((bool)peak["holds"]);
        Assert.False(peak.ContainsKey("ci95"));
        Assert.True((bool)Goal(goals, "1024")["decided"]);   // 0.98-1.0: wholly at or under 1.0
    }

    [Fact]
    public void A_line_without_the_goals_number_is_an_error_naming_it()
    {
        var lines = Lines(Paired(1, 0.99, 1.01));
        lines[1].Remove("paired_decode");
        var e = Assert.Throws<InvalidOperationException>(() => AllBenchmarks.Evaluate(lines));
        Assert.Equal("benchmark line 'bilstm-crf' has no 'paired_decode'", e.Message);
    }
}
