using System.Text.Json.Nodes;

namespace Cli.Tests;

/// <summary>
/// <c>lab report</c>: a notebook's report rebuilt from its run store without training (PNG beside each figure, the runs it
/// shows, the code it came from), refused when a run is missing, and found stale when its notebook's code changed.
/// </summary>
public sealed class ReportCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lab-report").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static JsonObject Read(string path) => (JsonObject)JsonNode.Parse(File.ReadAllText(path))!;

    [Fact]
    public void A_report_is_made_from_the_run_store_alone_and_refused_once_its_notebook_changed()
    {
        string notebook = Path.Combine(Lab.Root, "notebooks", "02-lstm-crf.ipynb");
        string runs = Path.Combine(dir, "runs"), reports = Path.Combine(dir, "reports");
        string[] smoke = ["-p", "smoke=true", "-p", $"runsDir={runs}", "-p", $"exportDir={Path.Combine(dir, "figures")}"];

        // No runs yet: a report trains nothing and says what is missing.
        var missing = Lab.Run(["report", notebook, .. smoke, "--out", reports]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("holds no finished run", missing.Stdout + missing.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(reports, "02-lstm-crf.ipynb")));

        // The notebook run once trains them; the report then reads them back.
        var run = Lab.Run(["run", notebook, .. smoke, "-o", Path.Combine(dir, "executed.ipynb")]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var made = Lab.Run(["report", notebook, .. smoke, "--out", reports]);
        Assert.True(made.ExitCode == 0, made.Stdout + made.Stderr);
        string report = Path.Combine(reports, "02-lstm-crf.ipynb");
        var json = Read(report);
        var record = json["metadata"]!["clinical_ner_report"]!;
        Assert.Equal("notebooks/02-lstm-crf.ipynb", (string)record["notebook"]!);
        Assert.NotEmpty(record["runs"]!.AsArray());
        Assert.All(record["runs"]!.AsArray(), r => Assert.False(string.IsNullOrEmpty((string?)r!["key"])));
        // Every Plotly figure carries a PNG; no output carries plotly.js.
        var outputs = json["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? []).Select(o => o!["data"]).OfType<JsonObject>().ToList();
        var figures = outputs.Where(d => d.ContainsKey("application/vnd.plotly.v1+json")).ToList();
        Assert.NotEmpty(figures);
        Assert.All(figures, d => Assert.True(d.ContainsKey("image/png")));
        Assert.True(new FileInfo(report).Length < 2_000_000, $"{new FileInfo(report).Length} bytes");

        var current = Lab.Run("report", "--check", report);
        Assert.True(current.ExitCode == 0, current.Stderr);
        // The same notebook with one code cell changed: the report is refused, naming the cell.
        var changed = Read(notebook);
        var cell = changed["cells"]!.AsArray().First(c => c!["metadata"]?["tags"]?.AsArray().Any(t => (string?)t == "parameters") == true)!;
        string cellId = (string)cell["id"]!;
        cell["source"] = new JsonArray(JsonValue.Create("bool smoke = false; // edited\n"));
        string edited = Path.Combine(dir, "edited.ipynb");
        File.WriteAllText(edited, changed.ToJsonString());
        var stale = Lab.Run("report", "--check", report, "--notebook", edited);
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains("is stale", stale.Stderr, StringComparison.Ordinal);
        Assert.Contains(cellId, stale.Stderr, StringComparison.Ordinal);
    }
}
