using System.Globalization;
using System.Text.Json.Nodes;
using NotebookHost.Report;

namespace NotebookHost.Tests;

/// <summary>
/// The reports in reports/ are current (their notebooks' code is the code they were made from), carry a PNG beside every
/// Plotly figure and no plotly.js, and stay within the 25 MB all of reports/ may take; and the stale check itself.
/// </summary>
public sealed class PublishedReportsTests
{
    private static string Reports => Path.Combine(LabRun.Root, "reports");

    [Fact]
    public void Every_published_report_is_current_with_its_notebook_and_readable_without_running()
    {
        var reports = Directory.EnumerateFiles(Reports, "*.ipynb").ToList();
        Assert.NotEmpty(reports);
        foreach (string path in reports)
        {
            var report = NotebookDocument.Load(path);
            var notebook = NotebookDocument.Load(Path.Combine(LabRun.Root, NotebookReport.NotebookOf(report)));
            var stale = NotebookReport.StaleCells(report, notebook);
            Assert.True(stale.Count == 0, $"{path} is stale: code cells {string.Join(", ", stale)} of its notebook changed since; rebuild it with " +
                                          "lab report (or remove it and its line in reports/README.md when its run store is not on this machine)");
            var outputs = report.Cells.SelectMany(c => c.Json["outputs"] as JsonArray ?? []).Select(o => o!["data"]).OfType<JsonObject>().ToList();
            Assert.All(outputs.Where(d => d.ContainsKey(Display.Formatters.PlotlyMime)), d => Assert.True(d.ContainsKey("image/png"), $"{path}: a figure without its PNG"));
            Assert.DoesNotContain(outputs, d => d["text/html"]?.ToJsonString().Length > 200_000);
            Assert.Contains(Path.GetFileName(path), File.ReadAllText(Path.Combine(Reports, "README.md")), StringComparison.Ordinal);
        }
        long bytes = Directory.EnumerateFiles(Reports, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(bytes < 25_000_000, $"reports/ holds {bytes:N0} bytes");
    }

    [Fact]
    public void The_headline_numbers_of_the_reports_index_are_in_their_reports_tables()
    {
        // A row of reports/README.md that links a report: every number of its headline ("mean ± sd", or one run's score) is
        // on a row of one of the report's tables (the mean and the sd on one line of a table's text), so the index cannot
        // drift from the runs.
        var rows = File.ReadLines(Path.Combine(Reports, "README.md"))
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^\| \[[^\]]+\]\(([^)]+\.ipynb)\) \| ([^|]+) \|")).Where(m => m.Success).ToList();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            var report = NotebookDocument.Load(Path.Combine(Reports, row.Groups[1].Value));
            var lines = report.Cells.SelectMany(c => c.Json["outputs"] as JsonArray ?? []).Select(o => o!["data"]?["text/plain"])
                .Select(t => t switch { JsonArray a => string.Concat(a.Select(x => x!.GetValue<string>())), JsonValue v => v.GetValue<string>(), _ => "" })
                .SelectMany(t => t.Split('\n'))
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => double.TryParse(w, CultureInfo.InvariantCulture, out double v) ? v : double.NaN).ToList())
                .ToList();
            // "mean ± sd" pairs (the paper notebooks) and lone numbers (the quickstart's one run): each on a line of a table.
            var numbers = System.Text.RegularExpressions.Regex.Matches(row.Groups[2].Value, @"(\d+\.\d+)(?: ± (\d+\.\d+))?");
            Assert.NotEmpty(numbers);
            foreach (System.Text.RegularExpressions.Match m in numbers)
                Assert.True(lines.Any(l => l.Contains(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
                                           && (!m.Groups[2].Success || l.Contains(double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))),
                    $"reports/README.md gives {m.Value} for {row.Groups[1].Value}, which no table of that report shows");
        }
    }

    [Fact]
    public void A_report_is_stale_when_a_code_cell_changed_was_added_or_removed_but_not_for_markdown()
    {
        var notebook = NotebookDocument.Load(Path.Combine(LabRun.Root, "notebooks", "00-quickstart.ipynb"));
        var report = NotebookDocument.Parse(notebook.Root.ToJsonString(), "report.ipynb");
        report.Metadata[NotebookReport.MetadataKey] = new JsonObject
        {
            ["notebook"] = "notebooks/00-quickstart.ipynb",
            ["code_cells"] = new JsonObject(NotebookReport.CodeHashes(notebook).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        };
        Assert.Empty(NotebookReport.StaleCells(report, notebook));
        var edited = NotebookDocument.Parse(notebook.Root.ToJsonString(), "edited.ipynb");
        var code = edited.Cells.Where(c => c.CellType == "code").ToList();
        code[2].Json["source"] = "int epochs = 99;";
        edited.Cells.First(c => c.CellType == "markdown").Json["source"] = "# another title";
        ((JsonArray)edited.Root["cells"]!).Remove(code[^1].Json);
        Assert.Equal(new[] { code[2].Id, code[^1].Id }.Order(StringComparer.Ordinal), NotebookReport.StaleCells(report, edited));
        Assert.Throws<InvalidDataException>(() => NotebookReport.StaleCells(notebook, notebook));   // not a report
    }

    [Fact]
    public void The_run_store_of_a_notebook_is_its_runsDir_default_or_the_parameter_given()
    {
        var notebook = NotebookDocument.Load(Path.Combine(LabRun.Root, "notebooks", "02-lstm-crf.ipynb"));
        Assert.Equal(Path.Combine(LabRun.Root, "out", "02-lstm-crf", "runs", "runs.db"), NotebookReport.RunStoreOf(notebook, []));
        Assert.Equal(Path.Combine("/tmp", "elsewhere", "runs.db"), NotebookReport.RunStoreOf(notebook, ["smoke=true", "runsDir=/tmp/elsewhere"]));
        // The quickstart keeps no run store.
        Assert.Null(NotebookReport.RunStoreOf(NotebookDocument.Load(Path.Combine(LabRun.Root, "notebooks", "00-quickstart.ipynb")), []));
    }
}
