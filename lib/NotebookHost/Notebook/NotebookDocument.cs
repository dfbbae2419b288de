using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookHost.Notebook;

/// <summary>
/// An nbformat 4.5 notebook kept as JSON, so fields this program does not know survive a round trip.
/// Cells are views over the JSON; outputs are written back in nbformat's shapes.
/// </summary>
public sealed class NotebookDocument
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private NotebookDocument(JsonObject root, string path)
    {
        Root = root;
        Path = path;
    }

    /// <summary>The whole notebook JSON.</summary>
    public JsonObject Root { get; }

    /// <summary>Where it was read from.</summary>
    public string Path { get; }

    /// <summary>The cells, in order.</summary>
    public IReadOnlyList<NotebookCell> Cells => ((JsonArray)Root["cells"]!).Select(c => new NotebookCell((JsonObject)c!)).ToList();

    /// <summary>Notebook-level metadata.</summary>
    public JsonObject Metadata => (JsonObject)(Root["metadata"] ??= new JsonObject());

    /// <summary>Reads and validates a notebook.</summary>
    /// <exception cref="NotebookFormatException">For anything that is not a valid nbformat 4.5 notebook, naming the problem and the cell.</exception>
    public static NotebookDocument Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no such notebook: {path}", path);
        JsonNode? node;
        try { node = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException ex) { throw new NotebookFormatException($"{path}: not JSON: {ex.Message}"); }
        if (node is not JsonObject root) throw new NotebookFormatException($"{path}: the top level is not a JSON object");
        NotebookValidator.Validate(root, path);
        return new NotebookDocument(root, path);
    }

    /// <summary>Parses notebook JSON text (validated).</summary>
    public static NotebookDocument Parse(string json, string path = "<memory>")
    {
        if (JsonNode.Parse(json) is not JsonObject root) throw new NotebookFormatException($"{path}: the top level is not a JSON object");
        NotebookValidator.Validate(root, path);
        return new NotebookDocument(root, path);
    }

    /// <summary>Inserts a code cell after <paramref name="index"/> and returns it.</summary>
    public NotebookCell InsertCodeCell(int index, string source, params string[] tags)
    {
        var cell = new JsonObject
        {
            ["cell_type"] = "code",
            ["id"] = Guid.NewGuid().ToString("N")[..12],
            ["execution_count"] = null,
            ["metadata"] = new JsonObject
            {
                ["tags"] = new JsonArray(tags.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
                ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" },
                ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
            },
            ["outputs"] = new JsonArray(),
            ["source"] = source,
        };
        ((JsonArray)Root["cells"]!).Insert(index + 1, cell);
        return new NotebookCell(cell);
    }

    /// <summary>Writes the notebook (indented JSON, UTF-8, trailing newline), replacing the file only when complete.</summary>
    public void Save(string path)
    {
        string temp = path + ".tmp";
        File.WriteAllText(temp, Root.ToJsonString(Indented) + "\n");
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>A new empty notebook with the .NET Interactive-compatible metadata.</summary>
    public static NotebookDocument CreateEmpty(string path) => Parse(new JsonObject
    {
        ["nbformat"] = 4,
        ["nbformat_minor"] = 5,
        ["metadata"] = new JsonObject
        {
            ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
            ["language_info"] = new JsonObject { ["name"] = "C#", ["file_extension"] = ".cs", ["mimetype"] = "text/x-csharp", ["pygments_lexer"] = "csharp" },
            ["polyglot_notebook"] = new JsonObject
            {
                ["kernelInfo"] = new JsonObject
                {
                    ["defaultKernelName"] = "csharp",
                    ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" }),
                },
            },
        },
        ["cells"] = new JsonArray(),
    }.ToJsonString(), path);
}

/// <summary>One cell of a notebook (a view over its JSON).</summary>
public sealed class NotebookCell
{
    internal NotebookCell(JsonObject json) => Json = json;

    /// <summary>The cell JSON.</summary>
    public JsonObject Json { get; }
    /// <summary>"code", "markdown" or "raw".</summary>
    public string CellType => Json["cell_type"]!.GetValue<string>();
    /// <summary>The cell id (nbformat 4.5).</summary>
    public string Id => Json["id"]!.GetValue<string>();
    /// <summary>The source text (nbformat allows a string or a list of lines).</summary>
    public string Source => Json["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l!.GetValue<string>())),
        JsonValue v => v.GetValue<string>(),
        _ => "",
    };
    /// <summary>Cell metadata.</summary>
    public JsonObject Metadata => (JsonObject)(Json["metadata"] ??= new JsonObject());
    /// <summary>The tags in the metadata.</summary>
    public IReadOnlyList<string> Tags => Metadata["tags"] is JsonArray tags ? tags.Select(t => t!.GetValue<string>()).ToList() : [];

    /// <summary>Clears outputs and the execution count (before a run).</summary>
    public void ClearOutputs()
    {
        if (CellType != "code") return;
        Json["outputs"] = new JsonArray();
        Json["execution_count"] = null;
    }

    /// <summary>Appends an output object (stream, display_data, execute_result or error).</summary>
    public void AddOutput(JsonObject output) => ((JsonArray)(Json["outputs"] ??= new JsonArray())).Add(output);

    /// <summary>The outputs of the cell.</summary>
    public JsonArray Outputs => (JsonArray)(Json["outputs"] ??= new JsonArray());
}

/// <summary>A notebook file that is not valid nbformat 4.5.</summary>
public sealed class NotebookFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public NotebookFormatException(string message) : base(message) { }
    /// <summary>Creates the exception.</summary>
    public NotebookFormatException() { }
    /// <summary>Creates the exception.</summary>
    public NotebookFormatException(string message, Exception inner) : base(message, inner) { }
}
