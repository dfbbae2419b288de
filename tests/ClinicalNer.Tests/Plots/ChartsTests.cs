using System.Text.Json.Nodes;


namespace ClinicalNer.Tests;

public class ChartsTests
{
    private static JsonArray Traces(Plotly.NET.GenericChart chart) => chart.ToFigureJson()["data"]!.AsArray();

    [Fact]
    public void Lines_have_one_trace_per_series_with_error_bars_where_given()
    {
        var chart = Charts.Lines([1, 2, 3], [new Series("loss", [3, 2, 1.5]), new Series("F1", [70, 80, 85], [1, 2, 0.5])], "curves", "epoch", "value");
        var traces = Traces(chart);
        Assert.Equal(["loss", "F1"], traces.Select(t => t!["name"]!.GetValue<string>()));
        Assert.Equal([3.0, 2, 1.5], traces[0]!["y"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Null(traces[0]!["error_y"]);
        Assert.Equal([1.0, 2, 0.5], traces[1]!["error_y"]!["array"]!.AsArray().Select(v => v!.GetValue<double>()));
        var layout = chart.ToFigureJson()["layout"]!;
        Assert.Equal("curves", layout["title"]!["text"]!.GetValue<string>());
        Assert.Equal("epoch", layout["xaxis"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal("value", layout["yaxis"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal((720, 420), chart.PixelSize());
    }

    [Fact]
    public void Mismatched_lengths_and_empty_input_are_rejected_with_the_series_named()
    {
        var e = Assert.Throws<ArgumentException>(() => Charts.Lines([1, 2], [new Series("dev F1", [1])]));
        Assert.Contains("'dev F1' has 1 values for 2 x positions", e.Message, StringComparison.Ordinal);
        Assert.Contains("3 categories", Assert.Throws<ArgumentException>(() => Charts.GroupedBars(["a", "b", "c"], [new Series("s", [1, 2])])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Charts.Lines([1], []));
        Assert.Contains("2 x 2 but there are 1 row", Assert.Throws<ArgumentException>(() => Charts.Heatmap(new double[2, 2], ["a", "b"], ["x"])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Charts.Grid([Charts.Histogram([1.0], "h"), Charts.Histogram([1.0], "h"), Charts.Histogram([1.0], "h")], 1, 2));
    }

    [Fact]
    public void Grouped_bars_heatmap_histogram_box_and_grid_produce_their_traces()
    {
        var bars = Charts.GroupedBars(["BODY", "SIGNS"], [new Series("ours", [85, 94], [1, 0.5]), new Series("paper", [86, 95])], yRange: (0, 100));
        Assert.Equal(["bar", "bar"], Traces(bars).Select(t => t!["type"]!.GetValue<string>()));
        Assert.Equal(["BODY", "SIGNS"], Traces(bars)[0]!["x"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal([0.0, 100], bars.ToFigureJson()["layout"]!["yaxis"]!["range"]!.AsArray().Select(v => v!.GetValue<double>()));

        var heat = Charts.Heatmap(new double[,] { { 1, 2 }, { 3, 4.25 } }, ["p1", "p2"], ["g1", "g2"]);
        var layout = heat.ToFigureJson()["layout"]!;
        var annotations = layout["annotations"]!.AsArray().Select(a => a!["text"]!.GetValue<string>()).ToList();
        Assert.Equal(["1", "2", "3", "4.25"], annotations.Order(StringComparer.Ordinal));
        Assert.Equal("heatmap", Traces(heat)[0]!["type"]!.GetValue<string>());

        Assert.Equal("histogram", Traces(Charts.Histogram([1.0, 2, 2, 3], "h", bins: 3))[0]!["type"]!.GetValue<string>());
        Assert.Equal(["box", "box"], Traces(Charts.Boxes([("a", [1.0, 2]), ("b", [3.0, 4])])).Select(t => t!["type"]!.GetValue<string>()));

        var grid = Charts.Grid([bars, heat], 1, 2, ["bars", "heat"], "both").WithAxisTitles("epoch", "F1", subplot: 2);
        var g = grid.ToFigureJson();
        Assert.Equal(3, g["data"]!.AsArray().Count);
        Assert.Equal("x2", g["data"]![2]!["xaxis"]!.GetValue<string>());
        Assert.Equal("epoch", g["layout"]!["xaxis2"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal("both", grid.TitleText());
    }

    [Fact]
    public void Html_is_offline_a_page_carries_plotly_js_and_a_fragment_relies_on_the_page()
    {
        var chart = Charts.Lines([1, 2], [new Series("a", [1, 2])], "t");
        string fragment = ChartHtml.Fragment(chart);
        string page = ChartHtml.Page(chart);
        Assert.Contains("Plotly.newPlot", fragment, StringComparison.Ordinal);
        Assert.DoesNotContain("plotly.js v", fragment, StringComparison.Ordinal);
        Assert.Contains($"plotly.js v{ChartHtml.PlotlyVersion}", page, StringComparison.Ordinal);
        foreach (string html in new[] { fragment, page })
            Assert.DoesNotMatch("<script[^>]+src=", html);
        Assert.Matches(@"^\d+\.\d+\.\d+$", ChartHtml.PlotlyVersion);
    }
}
