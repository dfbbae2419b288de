using System.Text.Json;

namespace ClinicalNer.Data.Readers;

/// <summary>Field names and conventions of a JSON-lines span format.</summary>
/// <param name="TextField">The text.</param>
/// <param name="EntitiesField">The list of entities.</param>
/// <param name="StartField">An entity's start offset.</param>
/// <param name="EndField">An entity's end offset.</param>
/// <param name="TypeField">An entity's type.</param>
/// <param name="EndInclusive">Whether end points at the last character (true) or one past it (false).</param>
/// <param name="IdField">An optional document id field.</param>
public sealed record JsonLinesFormat(string TextField = "text", string EntitiesField = "entities", string StartField = "start",
    string EndField = "end", string TypeField = "type", bool EndInclusive = false, string? IdField = "id");

/// <summary>One JSON object per line with a text and a list of typed spans; covers most public clinical sets.</summary>
public static class JsonLinesReader
{
    /// <summary>Reads every line (blank lines skipped).</summary>
    /// <exception cref="DataFormatException">For invalid JSON or a missing field, naming file and line.</exception>
    public static Corpus Read(string path, JsonLinesFormat? format = null, RepairPolicy policy = RepairPolicy.Repair)
    {
        format ??= new JsonLinesFormat();
        var documents = new List<Document>();
        var issues = new List<DataIssue>();
        foreach (var (lineNo, line) in TextDecoding.ReadLines(path))
        {
            if (line.Trim().Length == 0) continue;
            string where = $"{path}:{lineNo}";
            JsonDocument json;
            try { json = JsonDocument.Parse(line); }
            catch (JsonException ex) { throw new DataFormatException(new DataIssue(where, "invalid JSON: " + ex.Message)); }
            using (json)
            {
                JsonElement root = json.RootElement;
                string text = Field(root, format.TextField, where).GetString() ?? "";
                string id = format.IdField is not null && root.TryGetProperty(format.IdField, out JsonElement idEl) ? idEl.ToString() : $"{Path.GetFileName(path)}:{lineNo}";
                var spans = new List<EntitySpan>();
                int k = 0;
                foreach (JsonElement e in Field(root, format.EntitiesField, where).EnumerateArray())
                {
                    k++;
                    string at = $"{where} (entity {k})";
                    int start = Field(e, format.StartField, at).GetInt32();
                    int end = Field(e, format.EndField, at).GetInt32() + (format.EndInclusive ? 1 : 0);
                    string type = Field(e, format.TypeField, at).GetString() ?? "";
                    if (start < 0 || end > text.Length || start >= end)
                    {
                        var issue = new DataIssue(at, $"span [{start}, {end}) lies outside a text of {text.Length} characters; dropped");
                        if (policy == RepairPolicy.Strict) throw new DataFormatException(issue);
                        issues.Add(issue);
                        continue;
                    }
                    spans.Add(new EntitySpan(start, end, type));
                }
                documents.Add(Document.Create(id, text, spans, where));
            }
        }
        return new Corpus(Path.GetFileName(path), documents, issues);
    }

    private static JsonElement Field(JsonElement obj, string name, string where) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) ? v
        : throw new DataFormatException(new DataIssue(where, $"missing field '{name}'"));
}
