using System.Text.Json.Nodes;

namespace NotebookHost.Notebook;

/// <summary>Checks the parts of nbformat 4.5 the runner and Jupyter rely on, with messages naming the cell.</summary>
public static class NotebookValidator
{
    private static readonly HashSet<string> CellTypes = ["code", "markdown", "raw"];
    private static readonly HashSet<string> OutputTypes = ["stream", "display_data", "execute_result", "error"];

    /// <summary>Throws <see cref="NotebookFormatException"/> at the first problem.</summary>
    public static void Validate(JsonObject root, string path)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root["nbformat"] is not JsonValue v || !v.TryGetValue(out int major) || major != 4)
            throw new NotebookFormatException($"{path}: nbformat must be 4 (got {root["nbformat"]?.ToJsonString() ?? "nothing"})");
        if (root["nbformat_minor"] is not JsonValue m || !m.TryGetValue(out int minor) || minor < 5)
            throw new NotebookFormatException($"{path}: nbformat_minor must be 5 or more: cell ids are required (got {root["nbformat_minor"]?.ToJsonString() ?? "nothing"})");
        if (root["metadata"] is not JsonObject) throw new NotebookFormatException($"{path}: metadata must be an object");
        if (root["cells"] is not JsonArray cells) throw new NotebookFormatException($"{path}: cells must be an array");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int k = 0; k < cells.Count; k++)
        {
            string where = $"{path}: cell {k + 1}";
            if (cells[k] is not JsonObject cell) throw new NotebookFormatException($"{where} is not an object");
            string type = cell["cell_type"] is JsonValue t && t.TryGetValue(out string? s) ? s : "";
            if (!CellTypes.Contains(type)) throw new NotebookFormatException($"{where}: cell_type must be code, markdown or raw (got '{type}')");
            if (cell["id"] is not JsonValue idv || !idv.TryGetValue(out string? id) || id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                throw new NotebookFormatException($"{where}: every cell needs an id of 1-64 letters, digits, '-' or '_' (nbformat 4.5)");
            if (!ids.Add(id)) throw new NotebookFormatException($"{where}: duplicate cell id '{id}'");
            bool textSource = cell["source"] switch
            {
                JsonValue single => single.GetValueKind() == System.Text.Json.JsonValueKind.String,
                JsonArray lines => lines.All(l => l is JsonValue lv && lv.GetValueKind() == System.Text.Json.JsonValueKind.String),
                _ => false,
            };
            if (!textSource) throw new NotebookFormatException($"{where} ({id}): source must be a string or a list of strings");
            if (cell["metadata"] is not JsonObject) throw new NotebookFormatException($"{where} ({id}): metadata must be an object");
            if (type != "code") continue;
            if (cell["outputs"] is not JsonArray outputs) throw new NotebookFormatException($"{where} ({id}): a code cell needs an outputs array");
            foreach (JsonNode? o in outputs)
            {
                string ot = o?["output_type"] is JsonValue otv && otv.TryGetValue(out string? os) ? os : "";
                if (!OutputTypes.Contains(ot)) throw new NotebookFormatException($"{where} ({id}): unknown output_type '{ot}'");
            }
        }
    }
}
