using System.Diagnostics;

namespace NotebookHost.Tests;

/// <summary>
/// tests/NotebookHost.Tests/Notebooks/kernel-behaviour.ipynb through <c>lab run</c> and the .NET Interactive kernel: state
/// across cells, papermill-style parameters, a display replaced in place, a failing cell, a per-cell timeout, Ctrl-C.
/// </summary>
public sealed class KernelRunTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("kernel-run").FullName;
    private static string Notebook => Path.Combine(LabRun.Root, "tests", "NotebookHost.Tests", "Notebooks", "kernel-behaviour.ipynb");

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static string PlainText(JsonObject output) => LabRun.Text(output["data"]?["text/plain"] ?? output["text"]);

    [Fact]
    public void State_parameters_and_in_place_display_come_back_in_the_executed_notebook()
    {
        string output = Path.Combine(dir, "ok.ipynb");
        var run = LabRun.Run(Notebook, output, ["-p", "count=4", "-p", "rate=0.25", "-p", "label=x y", "--timeout", "120"]);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");
        var nb = run.Notebook!;

        // Parameters: an injected-parameters cell right after the parameters cell, recorded as papermill does.
        var cells = nb["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
        int at = cells.FindIndex(c => c["id"]!.GetValue<string>() == "params");
        Assert.Contains("injected-parameters", cells[at + 1]["metadata"]!["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Contains("var rate = 0.25;", LabRun.Text(cells[at + 1]["source"]), StringComparison.Ordinal);
        Assert.Equal("x y", nb["metadata"]!["papermill"]!["parameters"]!["label"]!.GetValue<string>());

        // State across cells: total = count * 10 from an earlier cell.
        Assert.Equal("41", PlainText(LabRun.Outputs(LabRun.Cell(nb, "value")).Single()));
        Assert.Equal("x y|0.25", PlainText(LabRun.Outputs(LabRun.Cell(nb, "echo")).Single()));

        // The display was replaced in place: one output holding the last value.
        var progress = LabRun.Outputs(LabRun.Cell(nb, "progress"));
        Assert.Equal("step 3", PlainText(Assert.Single(progress)));
        Assert.Equal("display_data", progress[0]["output_type"]!.GetValue<string>());

        // Every cell ran and carries its timing.
        Assert.Contains("last cell ran", PlainText(LabRun.Outputs(LabRun.Cell(nb, "last")).Single()), StringComparison.Ordinal);
        foreach (var cell in cells.Where(c => c["cell_type"]!.GetValue<string>() == "code"))
        {
            Assert.NotNull(cell["metadata"]!["execution"]?["shell.execute_reply"]);
            Assert.True(cell["metadata"]!["lab"]!["seconds"]!.GetValue<double>() >= 0);
        }
        Assert.Equal("ok", nb["metadata"]!["lab"]!["status"]!.GetValue<string>());
        Assert.Contains("executed", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_cell_stops_the_run_is_named_and_what_ran_is_saved()
    {
        string output = Path.Combine(dir, "fail.ipynb");
        var run = LabRun.Run(Notebook, output, ["-p", "mode=fail", "--timeout", "120"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("[fail] failed", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("failing on purpose", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Traceback", run.Stderr, StringComparison.Ordinal);
        var nb = run.Notebook!;
        var error = LabRun.Outputs(LabRun.Cell(nb, "fail")).Single(o => o["output_type"]!.GetValue<string>() == "error");
        Assert.Contains("failing on purpose", error["evalue"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(LabRun.Outputs(LabRun.Cell(nb, "value")));   // cells before it kept their outputs
        Assert.Empty(LabRun.Outputs(LabRun.Cell(nb, "last")));                         // cells after it never ran
        Assert.Equal("failed", nb["metadata"]!["lab"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public void A_cell_past_the_timeout_is_stopped_named_and_saved()
    {
        string output = Path.Combine(dir, "hang.ipynb");
        var clock = Stopwatch.StartNew();
        var run = LabRun.Run(Notebook, output, ["-p", "mode=hang", "--timeout", "6"], waitSeconds: 300);
        Assert.Equal(1, run.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(290), "the hanging cell was not stopped");
        Assert.Contains("[hang] exceeded --timeout 6s", run.Stderr, StringComparison.Ordinal);
        var error = LabRun.Outputs(LabRun.Cell(run.Notebook!, "hang")).Single(o => o["output_type"]!.GetValue<string>() == "error");
        Assert.Equal("CellTimeoutError", error["ename"]!.GetValue<string>());
        Assert.Single(LabRun.Outputs(LabRun.Cell(run.Notebook!, "fail"))); // the cell before it ran
    }

    [Fact]
    public void Ctrl_c_interrupts_and_saves_what_ran()
    {
        string output = Path.Combine(dir, "interrupted.ipynb");
        int signalled = 0;
        var run = LabRun.Run(Notebook, output, ["-p", "mode=hang"], waitSeconds: 300, onStderrLine: (line, process) =>
        {
            // The cell before the hanging one has finished: the run is inside "hang" now.
            if (line.Contains("[fail]", StringComparison.Ordinal) && Interlocked.Exchange(ref signalled, 1) == 0)
            {
                Thread.Sleep(1000);
                using var kill = Process.Start("/bin/kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                kill.WaitForExit();
            }
        });
        Assert.Equal(1, signalled);
        Assert.Equal(130, run.ExitCode);
        Assert.Contains("interrupted", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("interrupted", run.Notebook!["metadata"]!["lab"]!["status"]!.GetValue<string>());
        Assert.Equal("11", PlainText(LabRun.Outputs(LabRun.Cell(run.Notebook!, "value")).Single()));   // count = 1
    }

    [Fact]
    public void Bad_arguments_and_unknown_kernels_exit_2_with_a_message()
    {
        var missing = LabRun.Run(Path.Combine(dir, "nope.ipynb"), Path.Combine(dir, "x.ipynb"), []);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no such notebook", missing.Stderr, StringComparison.Ordinal);
        var badParam = LabRun.Run(Notebook, Path.Combine(dir, "y.ipynb"), ["-p", "novalue"]);
        Assert.Equal(2, badParam.ExitCode);
        Assert.Contains("expected NAME=VALUE", badParam.Stderr, StringComparison.Ordinal);
        var badName = LabRun.Run(Notebook, Path.Combine(dir, "z.ipynb"), ["-p", "not-an-identifier=1"]);
        Assert.Equal(2, badName.ExitCode);
        Assert.Contains("not a C# identifier", badName.Stderr, StringComparison.Ordinal);
        var noKernel = LabRun.Run(Notebook, Path.Combine(dir, "k.ipynb"), ["--kernel", "no-such-kernel"]);
        Assert.Equal(2, noKernel.ExitCode);
        Assert.Contains("no Jupyter kernel named 'no-such-kernel'", noKernel.Stderr, StringComparison.Ordinal);
    }
}
