using System.Diagnostics;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Connection;
using Microsoft.DotNet.Interactive.Events;

namespace NotebookHost.Tests;

/// <summary>
/// The notebooks over the protocol VS Code's Polyglot Notebooks uses: the pinned kernel started as
/// <c>dotnet tool run dotnet-interactive -- stdio --working-dir DIR</c> (DIR the notebook's folder, as the extension starts
/// it), each cell submitted as a command to the kernel its metadata names, each answered by CommandSucceeded or
/// CommandFailed. Every notebook's first cells (those that load the project and state its usings, up to its parameters cell) run this way.
/// </summary>
public sealed class PolyglotProtocolTests
{
    [Theory]
    [MemberData(nameof(ProjectNotebooksTests.Notebooks), MemberType = typeof(ProjectNotebooksTests))]
    public void The_first_cells_run_over_the_stdio_protocol(string name)
    {
        var notebook = JsonNode.Parse(File.ReadAllText(Path.Combine(LabRun.Root, "notebooks", name)))!;
        var code = notebook["cells"]!.AsArray().Where(c => c!["cell_type"]!.GetValue<string>() == "code").ToList();
        // The cells that load the project and state its usings, up to the parameters cell.
        bool IsParameters(JsonNode? c) => c!["metadata"]?["tags"]?.AsArray().Any(t => t!.GetValue<string>() == "parameters") == true;
        int parameters = code.FindIndex(IsParameters);
        Assert.True(parameters >= 1, $"{name} has no parameters cell after its setup");
        var first = code.Take(parameters + 1).Select(c => c!).ToList();
        using var kernel = Start();
        try
        {
            foreach (var cell in first)
            {
                string source = cell["source"] is JsonArray lines ? string.Concat(lines.Select(l => l!.GetValue<string>())) : cell["source"]!.GetValue<string>();
                string target = cell["metadata"]?["polyglot_notebook"]?["kernelName"]?.GetValue<string>()
                                ?? cell["metadata"]?["dotnet_interactive"]?["language"]?.GetValue<string>() ?? "csharp";
                var outcome = Submit(kernel, source, target);
                Assert.True(outcome is CommandSucceeded, $"{name}, cell {cell["id"]}: {(outcome as CommandFailed)?.Message ?? "no answer"}");
            }
        }
        finally
        {
            if (!kernel.HasExited) kernel.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void A_cell_that_does_not_compile_is_answered_by_command_failed()
    {
        using var kernel = Start();
        try
        {
            Assert.IsType<CommandSucceeded>(Submit(kernel, "var answer = 6 * 7;", "csharp"));
            var failed = Assert.IsType<CommandFailed>(Submit(kernel, "answer + ;", "csharp"));
            Assert.Contains("CS1525", failed.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (!kernel.HasExited) kernel.Kill(entireProcessTree: true);
        }
    }

    private static KernelEvent? Submit(Process kernel, string source, string target)
    {
        var command = new SubmitCode(source, target);
        string token = command.GetOrCreateToken();
        kernel.StandardInput.WriteLine(KernelCommandEnvelope.Serialize(KernelCommandEnvelope.Create(command)));
        kernel.StandardInput.Flush();
        return Await(kernel, token, TimeSpan.FromSeconds(180));
    }

    private static Process Start()
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = LabRun.Root,   // where the tool manifest pins the kernel
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string a in new[] { "tool", "run", "dotnet-interactive", "--", "stdio", "--working-dir", Path.Combine(LabRun.Root, "notebooks") }) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        var kernel = Process.Start(psi)!;
        _ = kernel.StandardError.ReadToEndAsync();
        return kernel;
    }

    // The CommandSucceeded or CommandFailed event of the command with this token (other events and lines skipped).
    private static KernelEvent? Await(Process kernel, string token, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var read = kernel.StandardOutput.ReadLineAsync();
            if (!read.Wait(timeout - clock.Elapsed) || read.Result is not { } line) return null;
            KernelEvent e;
            try
            {
                e = KernelEventEnvelope.Deserialize(line).Event;
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or ArgumentException or KeyNotFoundException)
            {
                continue;   // not an event envelope
            }
            if (e is CommandSucceeded or CommandFailed && e.Command.GetOrCreateToken() == token) return e;
        }
        return null;
    }
}
