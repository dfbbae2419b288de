using ClinicalNer.Models;
using ClinicalNer.Runs;
using ClinicalNer.Models.Bert;

namespace NotebookHost.Tests;

/// <summary>
/// Every notebook in notebooks/ follows the conventions (self-contained first cell, parameters, kernel metadata, no committed
/// outputs) and runs through the .NET Interactive kernel with smoke=true without an error output.
/// </summary>
public sealed class ProjectNotebooksTests : IDisposable
{
    private const string LoadLine = "#r \"../lib/NotebookHost/bin/Release/net10.0/NotebookHost.dll\"";
    private readonly string dir = Directory.CreateTempSubdirectory("project-notebooks").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (string nb in Directory.EnumerateFiles(Path.Combine(LabRun.Root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(nb));
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_is_self_contained_for_the_dotnet_interactive_kernel(string name)
    {
        var notebook = NotebookDocument.Load(Path.Combine(LabRun.Root, "notebooks", name));
        Assert.Equal(".net-csharp", notebook.Metadata["kernelspec"]!["name"]!.GetValue<string>());
        Assert.Equal("csharp", notebook.Metadata["polyglot_notebook"]!["kernelInfo"]!["defaultKernelName"]!.GetValue<string>());
        var code = notebook.Cells.Where(c => c.CellType == "code").ToList();
        Assert.StartsWith(LoadLine, code[0].Source.Split('\n').First(l => !l.StartsWith("//", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("#r \"../lib/NotebookHost/bin/Release/net10.0/ClinicalNer.dll\"", code[0].Source, StringComparison.Ordinal);
        Assert.Contains("Lab.Start()", code[0].Source, StringComparison.Ordinal);
        var parameters = Assert.Single(code, c => c.Tags.Contains("parameters"));
        // The usings are stated before the parameters cell, in a cell of their own.
        Assert.Contains(code.TakeWhile(c => c != parameters).Skip(1), c => c.Source.Contains("using ClinicalNer.", StringComparison.Ordinal));
        Assert.Contains("bool smoke = false;", parameters.Source, StringComparison.Ordinal);
        Assert.All(code, c => Assert.Equal("csharp", c.Metadata["dotnet_interactive"]!["language"]!.GetValue<string>()));
        Assert.All(code, c => Assert.Empty(c.Outputs));   // committed without outputs
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Every_code_cell_is_short_enough_to_read(string name)
    {
        // A walk-through, not a wall of code: at most 15 non-blank lines a cell and 120 characters a line.
        var notebook = NotebookDocument.Load(Path.Combine(LabRun.Root, "notebooks", name));
        foreach (var cell in notebook.Cells.Where(c => c.CellType == "code"))
        {
            var lines = cell.Source.Split('\n');
            Assert.True(lines.Count(l => l.Trim().Length > 0) <= 15, $"{name}, cell {cell.Id}: {lines.Count(l => l.Trim().Length > 0)} lines");
            Assert.All(lines, l => Assert.True(l.TrimEnd('\r').Length <= 120, $"{name}, cell {cell.Id}: a line of {l.Length} characters"));
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_runs_through_the_kernel_in_smoke_mode(string name)
    {
        string output = Path.Combine(dir, name);
        var run = LabRun.Run(Path.Combine(LabRun.Root, "notebooks", name), output, ["-p", "smoke=true", "-p", $"exportDir={Path.Combine(dir, "figures")}", "-p", $"runsDir={Path.Combine(dir, "runs")}", "--timeout", "900"]);
        Assert.True(run.ExitCode == 0, $"{name}: exit {run.ExitCode}\n{run.Stderr}");
        var outputs = run.Notebook!["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? []).Select(o => o!.AsObject()).ToList();
        Assert.DoesNotContain(outputs, o => o["output_type"]!.GetValue<string>() == "error");
        // Figures arrive as plotly JSON objects (drawn by VS Code's and JupyterLab's renderers) and as offline HTML.
        var figure = outputs.First(o => o["data"]?[Display.Formatters.PlotlyMime] is not null)["data"]!;
        Assert.NotEmpty(figure[Display.Formatters.PlotlyMime]!["data"]!.AsArray());
        Assert.Contains("Plotly.newPlot", LabRun.Text(figure["text/html"]), StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir, "figures"), "*.png"));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir, "figures"), "*.svg"));
        if (name.StartsWith("05-", StringComparison.Ordinal)) AssertSpanRowsAreTheModelsTheyName(Path.Combine(dir, "runs", "runs.db"));
    }

    // Notebook 05's span rows differ only in what they build: read back from the run store, each row's run must have read
    // queries or not, encoded them apart or jointly, and scored with the scorer its name says ("-MRC" once trained the MRC
    // model, because the name contains "MRC").
    private static void AssertSpanRowsAreTheModelsTheyName(string database)
    {
        using var store = new RunStore(database);
        var expected = new Dictionary<string, (bool Queries, bool Apart, string Scorer)>
        {
            ["BERT-MRC-Biaffine"] = (true, true, "Biaffine"), ["BERT-MRC-Biaffine (joint)"] = (true, false, "Biaffine"),
            ["BERT-MRC-Softmax (-biaffine)"] = (true, true, "Softmax"), ["BERT-Biaffine (-MRC)"] = (false, false, "Biaffine"),
        };
        foreach (var (row, (queries, apart, scorer)) in expected)
        {
            var run = Assert.Single(store.Runs($"paper5/{row}/"));
            var config = BertSpanConfig.FromJson(run.ParametersJson, run.Name);
            Assert.True(queries == (config.Queries is not null), $"{run.Name}: queries {(config.Queries is null ? "absent" : "present")}");
            Assert.True(apart == config.SeparateQuery, $"{run.Name}: question {(config.SeparateQuery ? "apart" : "joint")}");
            Assert.Equal(scorer, config.Scorer.DisplayName);
        }
    }
}
