using ClinicalNer.Data;
using ClinicalNer.Evaluation;

using Microsoft.Data.Analysis;
using NotebookHost.Display;

namespace NotebookHost.Tests;

/// <summary>The bundles .NET Interactive's formatters produce for the library's types (in process, as the kernel calls them).</summary>
public class FormatterTests
{
    public FormatterTests()
    {
        Formatters.Register();
        ClinicalNer.Display.NerDisplay.Register();   // what Lab.Start() does: the NER results display through adapters
    }

    [Fact]
    public void A_chart_is_plotly_json_html_and_text()
    {
        var chart = Charts.GroupedBars(["BODY", "SIGNS"], [new Series("ours", [85, 94], [1, 2])], "F1 by type");
        var bundle = Formatters.Bundle(chart);
        var figure = JsonNode.Parse(bundle[Formatters.PlotlyMime])!;
        Assert.Equal("bar", figure["data"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("F1 by type", figure["layout"]!["title"]!["text"]!.GetValue<string>());
        Assert.Contains("Plotly.newPlot", bundle["text/html"], StringComparison.Ordinal);
        Assert.DoesNotMatch("<script[^>]+src=", bundle["text/html"]);
        Assert.Equal("F1 by type (1 traces)", bundle["text/plain"]);
    }

    [Fact]
    public void Frames_reports_and_progress_lines_are_tables_and_text()
    {
        var frame = new DataFrame(new StringDataFrameColumn("type", ["BODY"]), new DoubleDataFrameColumn("F1", [91.25]));
        var bundle = Formatters.Bundle(frame);
        Assert.Contains("<td style=\"text-align:right\">91.25</td>", bundle["text/html"], StringComparison.Ordinal);
        Assert.Contains("91.25", bundle["text/plain"], StringComparison.Ordinal);

        IReadOnlyList<EntitySpan>[] gold = [[new(0, 2, "BODY")]];
        var report = Formatters.Bundle(NerMetrics.Strict(gold, gold));
        Assert.Contains("<td>micro</td>", report["text/html"], StringComparison.Ordinal);

        var line = Formatters.Bundle(new ProgressLine("epoch 1/2 <fast>"));
        Assert.Equal("<pre style=\"margin:0\">epoch 1/2 &lt;fast&gt;</pre>", line["text/html"]);
        Assert.Equal("epoch 1/2 <fast>", line["text/plain"]);
    }

    [Fact]
    public void A_training_run_is_a_summary_and_its_epoch_table()
    {
        var run = new ClinicalNer.Training.TrainingResult(0.8512, 2,
            [new(1, 10, 3.5, 0.7, 0.6, 0.65, 1.5, 1e-3), new(2, 20, 2.5, 0.9, 0.8, 0.8512, 1.25, 5e-4), new(3, 30, 2.0, 0.85, 0.8, 0.82, 1.0, 0)], null, true);
        var bundle = Formatters.Bundle(run);
        Assert.StartsWith("best dev F1 85.12 at epoch 2 of 3 (stopped early), 3.8s", bundle["text/plain"], StringComparison.Ordinal);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(bundle["text/html"], "<tr><td"));
        Assert.Contains("<th>DevF1</th>", bundle["text/html"], StringComparison.Ordinal);
    }

    private sealed record LateType(string Name);

    [Fact]
    public void A_type_adapted_after_the_formatters_were_registered_displays_through_its_adapter()
    {
        var before = Formatters.Bundle(new LateType("x"));
        Assert.DoesNotContain("adapted x", before["text/plain"], StringComparison.Ordinal);
        DisplayAdapters.Register<LateType>(t => new ProgressLine("adapted " + t.Name));
        var after = Formatters.Bundle(new LateType("<y>"));
        Assert.Equal("adapted <y>", after["text/plain"]);
        Assert.Equal("<pre style=\"margin:0\">adapted &lt;y&gt;</pre>", after["text/html"]);
        Assert.Equal("adapted <y>", DisplayAdapters.Text(new LateType("<y>")));
    }

    [Fact]
    public void Outside_a_kernel_a_display_prints_its_text()
    {
        var saved = Console.Out;
        using var sink = new StringWriter();
        Console.SetOut(sink);
        try
        {
            var handle = NotebookDisplay.Show(new ProgressLine("first"));
            handle.Update(new ProgressLine("second"));
        }
        finally { Console.SetOut(saved); }
        Assert.Equal(["first", "second"], sink.ToString().TrimEnd().Split(Environment.NewLine));
    }
}

/// <summary>The host names no NER type: it formats what the libraries return through Reporting's interfaces.</summary>
public class HostIndependenceTests
{
    [Fact]
    public void The_notebook_host_does_not_reference_the_ner_library()
    {
        var references = typeof(Lab).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.Contains("Reporting", references);
        Assert.DoesNotContain("ClinicalNer", references);
    }
}
