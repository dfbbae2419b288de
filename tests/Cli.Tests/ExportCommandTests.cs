using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Cli.Tests;

/// <summary><c>lab export</c>: a notebook as a .NET 10 file-based app that runs from any folder and computes what the notebook computes.</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("export").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    // The micro-averaged F1 of a per-type table printed as text ("micro  P  R  F1  support").
    private static string MicroF1(string text)
    {
        var match = Regex.Match(text, @"^micro\s+(\S+)\s+(\S+)\s+(\S+)\s+\d+\s*$", RegexOptions.Multiline);
        Assert.True(match.Success, $"no micro row in:\n{text}");
        return match.Groups[3].Value;
    }

    // dotnet run APP -- ARGS in WORKINGDIR.
    private static (int Exit, string Stdout, string Stderr) DotnetRun(string workingDir, string app, params string[] args)
    {
        var r = Lab.Dotnet(workingDir, ["run", app, "--", .. args], 600);
        return (r.ExitCode, r.Stdout, r.Stderr);
    }

    [Fact]
    public void The_exported_quickstart_runs_from_another_folder_and_reaches_the_notebooks_test_f1()
    {
        string app = Path.Combine(dir, "app", "q.cs");
        var export = Lab.Run("export", Path.Combine(Lab.Root, "notebooks", "00-quickstart.ipynb"), "--out", app);
        Assert.True(export.ExitCode == 0, export.Stderr);
        string source = File.ReadAllText(app);
        Assert.StartsWith("#:project ", source, StringComparison.Ordinal);
        Assert.DoesNotContain("#r ", source, StringComparison.Ordinal);
        Assert.Contains("display(report.ToTable());", source, StringComparison.Ordinal);

        // dotnet run from a folder that is neither the app's nor the repository's.
        string elsewhere = Directory.CreateDirectory(Path.Combine(dir, "elsewhere")).FullName;
        var (exit, stdout, stderr) = DotnetRun(elsewhere, app, "smoke=true", $"exportDir={Path.Combine(dir, "app-figures")}");
        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.True(File.Exists(Path.Combine(dir, "app", "q-figures", "figure-01.html")), stdout);
        Assert.True(File.Exists(Path.Combine(dir, "app-figures", "quickstart-per-type.csv")), stdout);

        // The notebook itself, with the same parameters, through the kernel.
        string executed = Path.Combine(dir, "nb.ipynb");
        var run = Lab.Run("run", Path.Combine(Lab.Root, "notebooks", "00-quickstart.ipynb"), "-o", executed, "-p", "smoke=true", "-p", $"exportDir={Path.Combine(dir, "nb-figures")}");
        Assert.True(run.ExitCode == 0, run.Stderr);
        // Every plain-text output of the notebook, in order: the per-type table is the one with a micro row.
        string table = string.Concat(JsonNode.Parse(File.ReadAllText(executed))!["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? [])
            .Select(o => o!["data"]?["text/plain"] switch { JsonArray lines => string.Concat(lines.Select(l => l!.GetValue<string>())), JsonNode t => t.GetValue<string>(), _ => "" }));
        Assert.Equal(MicroF1(table), MicroF1(stdout));
    }

    [Fact]
    public void Every_notebook_exports_as_an_app_that_compiles()
    {
        // One program declares each name once, and a name a cell's block declares may not hide a top-level one: cells
        // the kernel accepts one by one can still make an app that does not build.
        foreach (string nb in Directory.GetFiles(Path.Combine(Lab.Root, "notebooks"), "*.ipynb"))
        {
            string app = Path.Combine(dir, Path.GetFileNameWithoutExtension(nb) + ".cs");
            var r = Lab.Run("export", nb, "--out", app);
            Assert.True(r.ExitCode == 0, $"{Path.GetFileName(nb)}: {r.Stderr}");
            var build = Lab.Dotnet(dir, ["build", app, "-c", "Release"], 600);
            Assert.True(build.ExitCode == 0, $"{Path.GetFileName(nb)}: {build.Stdout}\n{build.Stderr}");
        }
    }

    [Fact]
    public void An_argument_that_is_not_a_parameter_is_refused_with_the_parameters_named()
    {
        string app = Path.Combine(dir, "q.cs");
        Assert.Equal(0, Lab.Run("export", Path.Combine(Lab.Root, "notebooks", "00-quickstart.ipynb"), "--out", app).ExitCode);
        var (exit, _, stderr) = DotnetRun(dir, app, "epoch=3");
        Assert.NotEqual(0, exit);
        Assert.Contains("'epoch=3' is not NAME=VALUE of a parameter; the parameters are smoke, epochs, dataDir, exportDir, device", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cell_that_redeclares_a_name_or_loads_a_file_is_named()
    {
        string nb = Path.Combine(dir, "bad.ipynb");
        void Write(params string[] cells) => File.WriteAllText(nb, new JsonObject
        {
            ["cells"] = new JsonArray(cells.Select((s, k) => (JsonNode)new JsonObject
            {
                ["cell_type"] = "code", ["id"] = $"c{k}", ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(), ["source"] = s,
            }).ToArray()),
            ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5,
        }.ToJsonString());

        Write("#r \"nuget: ClinicalNer.Notebooks\"\nvar x = 1;", "var y = 2;\nvar x = 3;");
        var r = Lab.UsageError("cell 2 declares 'x' again (cell 1 declared it first)", "export", nb, "--out", Path.Combine(dir, "bad.cs"));
        Write("#r \"/somewhere/Other.dll\"\nvar x = 1;");
        Lab.UsageError("cell 1: #r \"/somewhere/Other.dll\" loads a file", "export", nb, "--out", Path.Combine(dir, "bad.cs"));
        Write("#r \"nuget: ClinicalNer.Notebooks\"\nvar x = ;");
        Lab.UsageError("cell 1: ", "export", nb, "--out", Path.Combine(dir, "bad.cs"));
        Assert.False(File.Exists(Path.Combine(dir, "bad.cs")), r.Stdout);
    }
}
