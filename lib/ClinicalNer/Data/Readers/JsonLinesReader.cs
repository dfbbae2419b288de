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

/// <summary>
/// Documents as JSON objects with a text and a list of typed spans, one object per line (JSON lines) or all in one JSON
/// array (CBLUE's CMeEE ships so); covers most public clinical sets. A file whose objects have no entities field at all is
/// a blind (unlabeled) set; a file where only some lack it is an error.
/// </summary>
public static class JsonLinesReader
{
    /// <summary>Reads every document of the file (blank lines skipped).</summary>
    /// <exception cref="DataFormatException">For invalid JSON, a byte-order mark inside the file, or a missing field, naming file and line.</exception>
    public static Corpus Read(string path, JsonLinesFormat? format = null, RepairPolicy policy = RepairPolicy.Repair)
    {
        format ??= new JsonLinesFormat();
        var documents = new List<(Document Document, bool HasEntities, string Where)>();
        var issues = new List<DataIssue>();
        var lines = TextDecoding.ReadLines(path).ToList();
        var firstLine = lines.FirstOrDefault(l => l.Text.Trim().Length > 0);
        if (firstLine.Text is { } head && head.TrimStart().StartsWith('['))
            ReadArray(path, string.Join('\n', lines.Select(l => l.Text)), firstLine.Line, format, policy, documents, issues);
        else
            foreach (var (lineNo, raw) in lines)
            {
                string line = raw;
                string where = $"{path}:{lineNo}";
                if (line.StartsWith('\uFEFF'))
                {
                    // A second file's byte-order mark, as `cat a.json b.json` leaves it.
                    var bom = new DataIssue(where, "a byte-order mark (U+FEFF, bytes EF BB BF) starts this line: were two files joined? It was removed");
                    if (policy == RepairPolicy.Strict) throw new DataFormatException(bom with { Problem = bom.Problem.Replace("It was removed", "remove it", StringComparison.Ordinal) });
                    issues.Add(bom);
                    line = line.TrimStart('\uFEFF');
                }
                if (line.Trim().Length == 0) continue;
                JsonDocument json;
                try { json = JsonDocument.Parse(line); }
                catch (JsonException ex) { throw new DataFormatException(new DataIssue(where, NotJson(line, ex))); }
                using (json) documents.Add(ReadObject(json.RootElement, where, $"{Path.GetFileName(path)}:{lineNo}", format, policy, issues));
            }
        int unlabeled = documents.Count(d => !d.HasEntities);
        if (unlabeled > 0 && unlabeled < documents.Count)
            throw new DataFormatException(new DataIssue(documents.First(d => !d.HasEntities).Where,
                $"missing field '{format.EntitiesField}' here while {documents.Count - unlabeled} other documents have it (a blind file has it nowhere)"));
        return new Corpus(Path.GetFileName(path), documents.Select(d => d.Document).ToList(), issues);
    }

    // One JSON array of documents: each element is read as a line would be, named by its index.
    private static void ReadArray(string path, string text, int firstLine, JsonLinesFormat format, RepairPolicy policy,
        List<(Document, bool, string)> documents, List<DataIssue> issues)
    {
        JsonDocument json;
        try { json = JsonDocument.Parse(text); }
        catch (JsonException ex)
        {
            long line = firstLine + (ex.LineNumber ?? 0);
            throw new DataFormatException(new DataIssue($"{path}:{line}", $"the file starts a JSON array but is not valid JSON ({Describe(ex)})"));
        }
        using (json)
        {
            int k = 0;
            foreach (JsonElement element in json.RootElement.EnumerateArray())
            {
                string where = $"{path} (document {k + 1} of the array)";
                documents.Add(ReadObject(element, where, $"{Path.GetFileName(path)}#{k}", format, policy, issues));
                k++;
            }
        }
    }

    // One document object; its id field, or the given fallback id.
    private static (Document, bool, string) ReadObject(JsonElement root, string where, string fallbackId, JsonLinesFormat format, RepairPolicy policy,
        List<DataIssue> issues)
    {
        if (root.ValueKind != JsonValueKind.Object) throw Wrong(where, "the line", root, "an object");
        string text = Text(Field(root, format.TextField, where), format.TextField, where);
        string id = format.IdField is not null && root.TryGetProperty(format.IdField, out JsonElement idEl) ? idEl.ToString() : fallbackId;
        if (!root.TryGetProperty(format.EntitiesField, out JsonElement entities))
        {
            // No entities field: a blind document, unless a list under another name says the field is only named otherwise.
            if (root.EnumerateObject().Any(p => p.Value.ValueKind == JsonValueKind.Array)) _ = Field(root, format.EntitiesField, where);
            return (Document.Create(id, text, [], where), false, where);
        }
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
        return (Document.Create(id, text, spans, where), true, where);
    }

    // A line that is not JSON, in words: what it starts with, or where the JSON breaks.
    private static string NotJson(string line, JsonException ex)
    {
        string trimmed = line.TrimStart();
        if (trimmed.Length > 0 && trimmed[0] is not ('{' or '[' or '"' or '-' or (>= '0' and <= '9') or 't' or 'f' or 'n'))
            return $"not a JSON line: it starts with {DataIssue.Quote(trimmed[..1])}, where a JSON object starts with '{{' (is this a CoNLL or plain-text file? see --format): {DataIssue.Quote(line)}";
        return $"invalid JSON ({Describe(ex)}): {DataIssue.Quote(line)}";
    }

    // The parser's message without its byte codes and positions.
    private static string Describe(JsonException ex)
    {
        string message = ex.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.');
        return System.Text.RegularExpressions.Regex.IsMatch(message, "'0x[0-9A-Fa-f]+' is an invalid") ? "a character that cannot start or continue JSON there" : message;
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
