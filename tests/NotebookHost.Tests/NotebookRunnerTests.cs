namespace NotebookHost.Tests;

public sealed class NotebookRunnerTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("nb-tests").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private NotebookDocument Notebook(params (string Source, string[] Tags)[] cells)
    {
        var nb = NotebookDocument.CreateEmpty(Path.Combine(dir, "t.ipynb"));
        for (int k = 0; k < cells.Length; k++) nb.InsertCodeCell(k - 1, cells[k].Source, cells[k].Tags);
        string path = Path.Combine(dir, "t.ipynb");
        nb.Save(path);
        return NotebookDocument.Load(path);
    }

    private static RunOptions Options(Dictionary<string, string>? parameters = null) =>
        new(parameters ?? [], [typeof(TorchBinding.torch).Assembly], ["TorchBinding", "TorchBinding.torch"]);

    private static string Text(JsonNode? output) => output?["data"]?["text/plain"]?.GetValue<string>() ?? output?["text"]?.GetValue<string>() ?? "";

    [Fact]
    public async Task State_carries_across_cells_and_values_are_shown()
    {
        var nb = Notebook(("var x = 40;", []), ("Console.WriteLine(\"hi\");\nx + 2", []), ("torch.ones(2) * x", []));
        var result = await new NotebookRunner().RunAsync(nb, Options());
        Assert.True(result.Success);
        var cells = nb.Cells;
        Assert.Equal("hi\n", Text(cells[1].Outputs[0]));
        Assert.Equal("42", Text(cells[1].Outputs[1]));
        Assert.Equal(2, cells[1].Json["execution_count"]!.GetValue<int>());
        Assert.Equal("tensor([40., 40.])", Text(cells[2].Outputs[0]));
        Assert.NotNull(cells[2].Metadata["execution"]?["shell.execute_reply"]);
    }

    [Fact]
    public async Task Parameters_are_injected_after_the_parameters_cell()
    {
        var nb = Notebook(("int epochs = 1; string name = \"a\"; bool smoke = false; double lr = 0.1;", ["parameters"]), ("$\"{epochs} {name} {smoke} {lr}\"", []));
        var result = await new NotebookRunner().RunAsync(nb, Options(new() { ["epochs"] = "7", ["name"] = "x\"y", ["smoke"] = "true", ["lr"] = "0.001" }));
        Assert.True(result.Success);
        var cells = nb.Cells;
        Assert.Equal(["injected-parameters"], cells[1].Tags);
        Assert.Equal("7 x\"y True 0.001", Text(cells[2].Outputs[0]));
        Assert.Equal("7", nb.Metadata["papermill"]!["parameters"]!["epochs"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_failing_cell_stops_the_run_and_is_named()
    {
        var nb = Notebook(("var a = 1;", []), ("throw new InvalidOperationException(\"boom\");", []), ("Console.WriteLine(\"never\");", []));
        var result = await new NotebookRunner().RunAsync(nb, Options());
        Assert.False(result.Success);
        Assert.Equal(2, result.FailedCell);
        Assert.Equal(nb.Cells[1].Id, result.FailedCellId);
        var error = nb.Cells[1].Outputs.Single()!;
        Assert.Equal(("error", "InvalidOperationException", "boom"), (error["output_type"]!.GetValue<string>(), error["ename"]!.GetValue<string>(), error["evalue"]!.GetValue<string>()));
        Assert.Empty(nb.Cells[2].Outputs);
        Assert.Null(nb.Cells[2].Json["execution_count"]);
    }

    [Fact]
    public async Task Compilation_errors_are_reported_with_their_diagnostic()
    {
        var nb = Notebook(("int x = \"text\";", []));
        var result = await new NotebookRunner().RunAsync(nb, Options());
        Assert.False(result.Success);
        var error = nb.Cells[0].Outputs.Single()!;
        Assert.Equal("CompilationError", error["ename"]!.GetValue<string>());
        Assert.Contains("CS0029", string.Join("\n", error["traceback"]!.AsArray().Select(l => l!.GetValue<string>())));
    }

    [Fact]
    public async Task Displays_update_in_place_and_tables_render_as_html()
    {
        var nb = Notebook(("var h = display(\"step 1\");\nfor (int i = 2; i <= 3; i++) h.Update($\"step {i}\");\nnew[] { new { Type = \"BODY\", F1 = 0.9 } }.Display();", []));
        var result = await new NotebookRunner().RunAsync(nb, Options());
        Assert.True(result.Success);
        var outputs = nb.Cells[0].Outputs;
        Assert.Equal(2, outputs.Count);
        Assert.Equal("step 3", Text(outputs[0]));
        Assert.Contains("<th>Type</th>", outputs[1]!["data"]!["text/html"]!.GetValue<string>());
        // The notebook written back is still valid nbformat 4.5.
        string path = Path.Combine(dir, "out.ipynb");
        nb.Save(path);
        Assert.Single(NotebookDocument.Load(path).Cells);
    }
}
