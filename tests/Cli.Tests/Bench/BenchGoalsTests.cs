using Benchmarks;

namespace Cli.Tests.Bench;

/// <summary>How <c>lab bench all</c> judges its goals from the benchmark lines.</summary>
public class BenchGoalsTests
{
    // Twelve pairs whose ratios are 3 x low, 6 x ratio, 3 x high: median `ratio`, 95 % interval (3rd and 10th) low-high.
    private static Dictionary<string, object> Paired(double ratio, double low, double high) =>
        new PairedRatio([.. Enumerable.Repeat((low, 1.0), 3), .. Enumerable.Repeat((ratio, 1.0), 6), .. Enumerable.Repeat((high, 1.0), 3)], "torch=1,blas=2").ToJson();

    private static List<Dictionary<string, object>> Lines(double matmulRatio, Dictionary<string, object> matmulPaired) =>
    [
        new()
        {
            ["bench"] = "ops",
            ["add_4x4"] = new Dictionary<string, object> { ["ratio"] = 0.3, ["paired"] = Paired(0.30, 0.29, 0.31) },
            ["matmul_1024"] = new Dictionary<string, object> { ["ratio"] = matmulRatio, ["paired"] = matmulPaired },
        },
        new() { ["bench"] = "bilstm-crf", ["train_ratio"] = 2.9, ["paired_train"] = Paired(2.4, 2.3, 2.7), ["decode_ratio"] = 3.95, ["paired_decode"] = Paired(4.3, 4.1, 4.4) },
        new() { ["bench"] = "bert", ["device"] = "cuda:0", ["train_ratio"] = 9.0, ["paired_train"] = Paired(9, 8, 10), ["ours_fraction_of_matmul_peak"] = 0.1 },
        new() { ["bench"] = "bert", ["device"] = "cpu", ["train_ratio"] = 1.55, ["paired_train"] = Paired(1.5, 1.49, 1.6), ["ours_fraction_of_matmul_peak"] = 0.75 },
    ];

    private static Dictionary<string, object> Goal(List<Dictionary<string, object>> goals, string startsWith) =>
        goals.Single(g => ((string)g["goal"]).StartsWith(startsWith, StringComparison.Ordinal));

    [Fact]
    public void A_goal_holds_by_best_against_best_and_shows_its_paired_interval_and_whether_it_crosses_the_target()
    {
        var goals = AllBenchmarks.Evaluate(Lines(1.005, Paired(1.011, 0.987, 1.03)));
        var matmul = Goal(goals, "1024");
        Assert.Equal(1.005, matmul["measured"]);
        Assert.False((bool)matmul["holds"]);
        Assert.Equal(1.011, matmul["paired_ratio"]);
        Assert.Equal(new[] { 0.987, 1.03 }, (double[])matmul["paired_ci95"]);
        Assert.True((bool)matmul["paired_across_target"]);
        Assert.EndsWith("1.005 (paired rounds: median 1.011, 95 % interval 0.987-1.03, across the target)", AllBenchmarks.Describe(matmul), StringComparison.Ordinal);

        var add = Goal(goals, "4x4");
        Assert.True((bool)add["holds"]);
        Assert.False((bool)add["paired_across_target"]);
        Assert.Equal("holds   4x4 add <= 0.5x PyTorch's time: 0.3 (paired rounds: median 0.3, 95 % interval 0.29-0.31)", AllBenchmarks.Describe(add));

        // Best against best and the paired rounds can disagree: each is reported as measured.
        var train = Goal(goals, "BiLSTM-CRF training");
        Assert.True((bool)train["holds"]);                    // best against best 2.9
        Assert.Equal(2.4, train["paired_ratio"]);             // paired median under the target,
        Assert.True((bool)train["paired_across_target"]);     // its interval 2.3-2.7 across it
    }

    [Fact]
    public void Goals_read_the_cpu_line_of_a_benchmark_and_plain_numbers_have_no_paired_entry()
    {
        var goals = AllBenchmarks.Evaluate(Lines(0.99, Paired(0.99, 0.98, 1.0)));
        Assert.Equal(1.55, Goal(goals, "BERT-small training >= 1.5x")["measured"]);   // not the cuda:0 line's 9
        var peak = Goal(goals, "BERT-small training >= 70");
        Assert.Equal(0.75, peak["measured"]);
        Assert.True((bool)peak["holds"]);
        Assert.False(peak.ContainsKey("paired_ci95"));
        Assert.False((bool)Goal(goals, "1024")["paired_across_target"]);   // 0.98-1.0: wholly at or under 1.0
        Assert.False((bool)Goal(goals, "BiLSTM-CRF decoding")["holds"]);   // 3.95, whatever the paired 4.3 says
    }

    [Fact]
    public void A_line_without_the_goals_number_is_an_error_naming_it()
    {
        var lines = Lines(1, Paired(1, 0.99, 1.01));
        lines[1].Remove("paired_decode");
        var e = Assert.Throws<InvalidOperationException>(() => AllBenchmarks.Evaluate(lines));
        Assert.Equal("benchmark line 'bilstm-crf' has no 'paired_decode'", e.Message);
    }
}
