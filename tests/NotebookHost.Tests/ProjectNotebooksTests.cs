namespace NotebookHost.Tests;

/// <summary>Every notebook in notebooks/ runs headless with smoke=true (small data, few epochs).</summary>
public sealed class ProjectNotebooksTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("project-notebooks").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string> Notebooks()
    {
        string root = ClinicalNer.Data.DataPaths.RepositoryRoot() ?? throw new DirectoryNotFoundException("repository root not found");
        var data = new TheoryData<string>();
        foreach (string nb in Directory.EnumerateFiles(Path.Combine(root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(nb));
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_runs_headless_in_smoke_mode(string name)
    {
        string root = ClinicalNer.Data.DataPaths.RepositoryRoot()!;
        var notebook = NotebookDocument.Load(Path.Combine(root, "notebooks", name));
        var result = await new NotebookRunner().RunAsync(notebook, RunOptions.ForProject(new Dictionary<string, string> { ["smoke"] = "true", ["exportDir"] = dir }));
        Assert.True(result.Success, $"{name}: cell {result.FailedCell} ({result.FailedCellId}) failed: {result.Error}");
        var outputs = notebook.Cells.SelectMany(c => c.CellType == "code" ? c.Outputs : []).ToList();
        Assert.Contains(outputs, o => o!["data"]?["application/vnd.plotly.v1+json"] is not null);
        Assert.NotEmpty(Directory.GetFiles(dir, "*.png"));
        Assert.NotEmpty(Directory.GetFiles(dir, "*.svg"));
    }
}
