namespace NotebookHost.Tests;

/// <summary>The registered kernel starts for a notebook in any folder, and one that cannot start is named with its fix.</summary>
public sealed class KernelAnywhereTests : IDisposable
{
    // Outside the repository: the kernel's tool manifest is not found from there.
    private readonly string dir = Directory.CreateTempSubdirectory("kernel-anywhere").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    // The quickstart, loading the project by its full path.
    private string Quickstart()
    {
        var notebook = JsonNode.Parse(File.ReadAllText(Path.Combine(LabRun.Root, "notebooks", "00-quickstart.ipynb")))!;
        var first = notebook["cells"]!.AsArray().First(c => c!["cell_type"]!.GetValue<string>() == "code")!;
        first["source"] = LabRun.Text(first["source"]).Replace("#r \"../lib/", $"#r \"{LabRun.Root}/lib/", StringComparison.Ordinal);
        string path = Path.Combine(dir, "mine.ipynb");
        File.WriteAllText(path, notebook.ToJsonString());
        return path;
    }

    [Fact]
    public void A_notebook_outside_the_repository_runs()
    {
        Assert.False(Path.GetFullPath(dir).StartsWith(LabRun.Root, StringComparison.Ordinal));
        var r = LabRun.Run(Quickstart(), Path.Combine(dir, "out.ipynb"), ["-p", "smoke=true", "-p", $"exportDir={Path.Combine(dir, "figures")}"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("executed", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_notebook_outside_the_repository_loads_the_library_from_the_local_feed()
    {
        string feed = Path.Combine(LabRun.Root, ".lab", "feed");
        string versionFile = Path.Combine(feed, "version");
        Assert.True(File.Exists(versionFile), $"{feed} holds no packed libraries: ./lab setup packs them");
        string version = File.ReadAllText(versionFile).Trim();
        // No path into the repository besides the feed's: the library, its native shim and the display layer come as packages.
        string[] cells =
        [
            $"#i \"nuget: {feed}\"\n#r \"nuget: ClinicalNer.Notebooks\"\nusing static TorchBinding.torch;\nNotebookHost.Lab.Start()",
            "Console.WriteLine($\"sum {ones(3).sum().item<float>()}\");\n"
            + "Console.WriteLine(typeof(ClinicalNer.Data.Document).Assembly.Location);\n"
            + "Console.WriteLine(string.Join(\"|\", ClinicalNer.Text.CharacterBigrams.Of([\"发\", \"热\", \"3\"])));",
        ];
        var notebook = new JsonObject
        {
            ["cells"] = new JsonArray(cells.Select((source, k) => (JsonNode)new JsonObject
            {
                ["cell_type"] = "code", ["id"] = $"c{k}", ["metadata"] = new JsonObject(), ["execution_count"] = null,
                ["outputs"] = new JsonArray(), ["source"] = source,
            }).ToArray()),
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = ".net-csharp", ["display_name"] = ".NET (C#)", ["language"] = "C#" } },
            ["nbformat"] = 4, ["nbformat_minor"] = 5,
        };
        string path = Path.Combine(dir, "feed.ipynb");
        File.WriteAllText(path, notebook.ToJsonString());
        var r = LabRun.Run(path, Path.Combine(dir, "out.ipynb"), []);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string printed = string.Concat(LabRun.Outputs(LabRun.Cell(r.Notebook!, "c1")).Select(o => LabRun.Text(o["text"])));
        Assert.Contains("sum 3", printed, StringComparison.Ordinal);
        Assert.Contains($"/clinicalner/{version}/lib/net10.0/ClinicalNer.dll", printed, StringComparison.Ordinal);
        Assert.Contains(string.Join("|", ClinicalNer.Text.CharacterBigrams.Of(["发", "热", "3"])), printed, StringComparison.Ordinal);
        Assert.DoesNotContain(LabRun.Root + "/lib", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kernel_that_cannot_start_is_named_with_its_fix_and_no_traceback()
    {
        // A registration whose program is gone (a cleared NuGet cache), found first on JUPYTER_PATH.
        string kernels = Path.Combine(dir, "jupyter", "kernels", ".net-csharp");
        Directory.CreateDirectory(kernels);
        File.WriteAllText(Path.Combine(kernels, "kernel.json"),
            """{"argv": ["dotnet", "/nonexistent/Microsoft.DotNet.Interactive.App.dll", "jupyter", "{connection_file}"], "display_name": ".NET (C#)", "language": "C#"}""");
        var r = LabRun.Run(Quickstart(), Path.Combine(dir, "out.ipynb"), ["--timeout", "60"], waitSeconds: 300,
            environment: new Dictionary<string, string> { ["JUPYTER_PATH"] = Path.Combine(dir, "jupyter") });
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("did not start: its program /nonexistent/Microsoft.DotNet.Interactive.App.dll does not exist", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("./lab setup", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Traceback", r.Stderr, StringComparison.Ordinal);
    }
}
