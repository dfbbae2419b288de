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
            catch (JsonException ex) { throw new DataFormatException(new DataIssue(where, $"invalid JSON ({ex.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.')}): {DataIssue.Quote(line)}")); }
            using (json)
            {
                JsonElement root = json.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw Wrong(where, "the line", root, "an object");
                string text = Text(Field(root, format.TextField, where), format.TextField, where);
                string id = format.IdField is not null && root.TryGetProperty(format.IdField, out JsonElement idEl) ? idEl.ToString() : $"{Path.GetFileName(path)}:{lineNo}";
                JsonElement entities = Field(root, format.EntitiesField, where);
                if (entities.ValueKind != JsonValueKind.Array) throw Wrong(where, $"'{format.EntitiesField}'", entities, "a list of entities");
                var spans = new List<EntitySpan>();
                int k = 0;
                foreach (JsonElement e in entities.EnumerateArray())
                {
                    k++;
                    string at = $"{where} (entity {k})";
                    if (e.ValueKind != JsonValueKind.Object) throw Wrong(at, "the entity", e, "an object");
                    int start = Offset(Field(e, format.StartField, at), format.StartField, at);
                    int end = Offset(Field(e, format.EndField, at), format.EndField, at) + (format.EndInclusive ? 1 : 0);
                    string type = Text(Field(e, format.TypeField, at), format.TypeField, at);
                    if (start < 0 || end > text.Length || start >= end)
                    {
                        var issue = new DataIssue(at, $"span [{start}, {end}) lies outside a text of {text.Length} characters" +
                            (format.EndInclusive ? "" : " (is the end inclusive? see --end-inclusive)") + "; dropped");
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
        obj.TryGetProperty(name, out JsonElement v) ? v
        : throw new DataFormatException(new DataIssue(where, $"missing field '{name}' (fields: {string.Join(", ", obj.EnumerateObject().Select(p => p.Name).Take(10))})"));

    private static string Text(JsonElement value, string name, string where) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Wrong(where, $"'{name}'", value, "a string");

    private static int Offset(JsonElement value, string name, string where) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) ? n : throw Wrong(where, $"'{name}'", value, "an integer offset");

    // "'start' is a string ("3"), expected an integer offset": the kind found, a short quote of it, the kind expected.
    private static DataFormatException Wrong(string where, string what, JsonElement found, string expected) =>
        new(new DataIssue(where, $"{what} is {Kind(found)} ({DataIssue.Quote(found.GetRawText(), 40).Trim('\'')}), expected {expected}"));

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
