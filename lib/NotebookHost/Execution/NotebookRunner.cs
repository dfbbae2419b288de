using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using NotebookHost.Display;
using NotebookHost.Notebook;

namespace NotebookHost.Execution;

/// <summary>How to run a notebook.</summary>
/// <param name="Parameters">Values injected after the cell tagged "parameters" (papermill's convention).</param>
/// <param name="References">Assemblies the cells can use (the project's libraries).</param>
/// <param name="Imports">Namespaces or static classes imported in every cell.</param>
public sealed record RunOptions(IReadOnlyDictionary<string, string> Parameters, IReadOnlyList<Assembly> References, IReadOnlyList<string> Imports)
{
    /// <summary>The project's notebooks: TorchBinding and ClinicalNer referenced, their namespaces (and <c>torch</c>'s members) imported.</summary>
    public static RunOptions ForProject(IReadOnlyDictionary<string, string> parameters) => new(parameters,
        [typeof(TorchBinding.torch).Assembly, typeof(ClinicalNer.Data.Document).Assembly],
        ["TorchBinding", "TorchBinding.torch", "NotebookHost.Export",
         .. typeof(ClinicalNer.Data.Document).Assembly.GetExportedTypes().Select(t => t.Namespace).OfType<string>().Distinct()]);
}

/// <summary>The outcome of a run.</summary>
/// <param name="Success">Every code cell ran.</param>
/// <param name="FailedCell">1-based index of the failing cell, or null.</param>
/// <param name="FailedCellId">Its id.</param>
/// <param name="Error">Its error (type: message).</param>
/// <param name="Seconds">Wall time of the run.</param>
public sealed record RunResult(bool Success, int? FailedCell, string? FailedCellId, string? Error, double Seconds);

/// <summary>
/// The headless runner: executes the code cells of a notebook in order in one <see cref="ScriptSession"/>,
/// writes every output back into the notebook (streams, displays with in-place updates, results, errors),
/// records per-cell timing, and stops at the first failing cell.
/// </summary>
public sealed class NotebookRunner
{
    /// <summary>Progress lines ("cell 3/12 ...") for a console.</summary>
    public event Action<string>? Log;

    /// <summary>Runs <paramref name="notebook"/> in place (its outputs are replaced).</summary>
    public async Task<RunResult> RunAsync(NotebookDocument notebook, RunOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        InjectParameters(notebook, options.Parameters);
        var session = new ScriptSession(notebook.Path, options.References, options.Imports);
        var cells = notebook.Cells;
        int executionCount = 0;
        var sink = new CellSink();
        TextWriter stdout = Console.Out, stderr = Console.Error;
        try
        {
            for (int k = 0; k < cells.Count; k++)
            {
                NotebookCell cell = cells[k];
                if (cell.CellType != "code") continue;
                cell.ClearOutputs();
                if (cell.Source.Trim().Length == 0) continue;
                cell.Json["execution_count"] = ++executionCount;
                sink.Begin(cell);
                Console.SetOut(sink.Stream("stdout"));
                Console.SetError(sink.Stream("stderr"));
                DisplayContext.Current = sink;
                string started = Now();
                var cellClock = Stopwatch.StartNew();
                CellResult result;
                try
                {
                    result = await session.ExecuteAsync(cell.Source, cancellation).ConfigureAwait(false);
                }
                catch (NotSupportedException ex)
                {
                    result = new CellResult(false, false, null, "NotSupportedException", ex.Message, [ex.Message]);
                }
                finally
                {
                    Console.Out.Flush();
                    DisplayContext.Current = null;
                    Console.SetOut(stdout);
                    Console.SetError(stderr);
                }
                cell.Metadata["execution"] = new JsonObject { ["iopub.execute_input"] = started, ["shell.execute_reply"] = Now() };
                Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"cell {k + 1}/{cells.Count} [{cell.Id}] {cellClock.Elapsed.TotalSeconds:F1}s{(result.Success ? "" : "  FAILED")}"));
                if (result.Success && result.HasValue)
                    cell.AddOutput(new JsonObject
                    {
                        ["output_type"] = "execute_result", ["execution_count"] = executionCount,
                        ["data"] = CellSink.ToJson(MimeBundle.Of(result.Value)), ["metadata"] = new JsonObject(),
                    });
                if (!result.Success)
                {
                    cell.AddOutput(new JsonObject
                    {
                        ["output_type"] = "error", ["ename"] = result.ErrorName, ["evalue"] = result.ErrorValue,
                        ["traceback"] = new JsonArray((result.Traceback ?? []).Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
                    });
                    return new RunResult(false, k + 1, cell.Id, $"{result.ErrorName}: {result.ErrorValue}", clock.Elapsed.TotalSeconds);
                }
            }
            return new RunResult(true, null, null, null, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            notebook.Metadata["lab"] = new JsonObject { ["executed"] = Now(), ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2) };
        }
    }

    /// <summary>
    /// Inserts a cell tagged "injected-parameters" after the cell tagged "parameters" (or at the top),
    /// assigning each value as a C# literal (numbers and true/false as themselves, anything else as a
    /// string), and records them in the notebook metadata as papermill does.
    /// </summary>
    public static void InjectParameters(NotebookDocument notebook, IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0) return;
        var cells = notebook.Cells;
        int at = -1;
        for (int k = 0; k < cells.Count; k++)
            if (cells[k].Tags.Contains("parameters")) { at = k; break; }
        var code = new StringBuilder("// Injected parameters\n");
        var recorded = new JsonObject();
        foreach (var (name, value) in parameters)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[A-Za-z_][A-Za-z0-9_]*$"))
                throw new ArgumentException($"parameter name '{name}' is not a C# identifier");
            code.Append(CultureInfo.InvariantCulture, $"var {name} = {Literal(value)};\n");
            recorded[name] = value;
        }
        notebook.InsertCodeCell(at, code.ToString(), "injected-parameters");
        notebook.Metadata["papermill"] = new JsonObject { ["parameters"] = recorded };
    }

    private static string Literal(string value)
    {
        if (value is "true" or "false") return value;
        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l)) return l is >= int.MinValue and <= int.MaxValue ? l.ToString(CultureInfo.InvariantCulture) : l + "L";
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && value.Contains('.', StringComparison.Ordinal))
            return d.ToString("R", CultureInfo.InvariantCulture);
        return "@\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>Collects a cell's outputs: merged streams, displays (updatable by id).</summary>
    private sealed class CellSink : IDisplaySink
    {
        private readonly Dictionary<string, JsonObject> displays = new();
        private NotebookCell? cell;

        public void Begin(NotebookCell c)
        {
            cell = c;
            displays.Clear();
        }

        public TextWriter Stream(string name) => new StreamWriterFor(this, name);

        public void Write(string name, string text)
        {
            if (cell is null || text.Length == 0) return;
            var outputs = cell.Outputs;
            if (outputs.Count > 0 && outputs[^1] is JsonObject last && last["output_type"]?.GetValue<string>() == "stream" && last["name"]?.GetValue<string>() == name)
                last["text"] = last["text"]!.GetValue<string>() + text;
            else cell.AddOutput(new JsonObject { ["output_type"] = "stream", ["name"] = name, ["text"] = text });
        }

        public void Display(IReadOnlyDictionary<string, object> bundle, string displayId)
        {
            if (cell is null) return;
            var output = new JsonObject { ["output_type"] = "display_data", ["data"] = ToJson(bundle), ["metadata"] = new JsonObject() };
            displays[displayId] = output;
            cell.AddOutput(output);
        }

        public void Update(IReadOnlyDictionary<string, object> bundle, string displayId)
        {
            if (displays.TryGetValue(displayId, out JsonObject? output)) output["data"] = ToJson(bundle);
        }

        public static JsonObject ToJson(IReadOnlyDictionary<string, object> bundle)
        {
            var data = new JsonObject();
            foreach (var (mime, value) in bundle)
                data[mime] = value switch
                {
                    JsonNode node => node.DeepClone(),
                    string s when mime.EndsWith("json", StringComparison.Ordinal) => JsonNode.Parse(s),
                    string s => s,
                    _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
                };
            return data;
        }

        private sealed class StreamWriterFor(CellSink sink, string name) : TextWriter
        {
            public override Encoding Encoding => Encoding.UTF8;
            public override void Write(char value) => sink.Write(name, value.ToString());
            public override void Write(string? value) => sink.Write(name, value ?? "");
            public override void WriteLine(string? value) => sink.Write(name, (value ?? "") + "\n");
        }
    }
}
