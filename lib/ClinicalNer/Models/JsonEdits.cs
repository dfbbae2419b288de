using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClinicalNer.Models;

/// <summary>
/// <c>path=value</c> edits of a JSON-serialisable record (AllenNLP's <c>-o</c>, spaCy's config overrides): the record is
/// written as JSON, each edit sets one field, and the result is read back, so the record's own checks and the JSON
/// options' (unknown fields refused, registered parts by "type") judge the edited value.
/// </summary>
/// <remarks>
/// A path is field names and list indices separated by dots (<c>encoders.0.hidden</c>, <c>decoder.type</c>,
/// <c>chars.vectors</c>); a missing object on the way is created, and an index one past a list's end appends. A value is
/// read as JSON when it parses (<c>256</c>, <c>true</c>, <c>null</c>, <c>{"type": "crf"}</c>, <c>["a", "b"]</c>), else as
/// a string (<c>bilstm</c>, <c>data/x.txt</c>). Setting an object's <c>type</c> to another value starts that part over
/// from its own defaults (its other fields are dropped: they belonged to the old part); set its fields after it.
/// </remarks>
public static class JsonEdits
{
    /// <summary>The record with every edit applied, in order.</summary>
    /// <exception cref="ArgumentException">For an edit without "=", a path through a value that is not an object or list, or a result that is not a valid record (the edit named).</exception>
    /// <param name="value">The record.</param>
    /// <param name="edits">The <c>path=value</c> edits.</param>
    /// <param name="options">The JSON options the record is written and read with.</param>
    /// <param name="describe">Puts a JSON error in words (the parser's message when null).</param>
    public static T Apply<T>(T value, IEnumerable<string> edits, JsonSerializerOptions options, Func<JsonException, string>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(edits);
        ArgumentNullException.ThrowIfNull(options);
        var list = edits.ToList();
        if (list.Count == 0) return value;
        var root = JsonSerializer.SerializeToNode(value, options) ?? throw new ArgumentException("nothing to edit");
        foreach (string edit in list) Set(root, edit);
        try
        {
            return root.Deserialize<T>(options) ?? throw new ArgumentException($"the edits {string.Join(" ", list)} leave nothing");
        }
        catch (JsonException e)
        {
            string why = describe?.Invoke(e) ?? e.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.') + (e.Path is { Length: > 1 } p ? $" at {p}" : "");
            throw new ArgumentException($"{string.Join(", ", list)}: {why}", e);
        }
    }

    /// <summary>Sets one <c>path=value</c> in <paramref name="root"/>.</summary>
    public static void Set(JsonNode root, string edit)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(edit);
        int eq = edit.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) throw new ArgumentException($"an edit is PATH=VALUE, got '{edit}'");
        string[] path = edit[..eq].Split('.');
        JsonNode? value = Parse(edit[(eq + 1)..]);
        JsonNode node = root;
        for (int k = 0; k < path.Length; k++)
        {
            string key = path[k];
            bool last = k == path.Length - 1;
            switch (node)
            {
                case JsonObject obj:
                {
                    // Field names are matched in any case, as the records are read.
                    string name = obj.Select(p => p.Key).FirstOrDefault(n => string.Equals(n, key, StringComparison.OrdinalIgnoreCase)) ?? key;
                    if (last && name == "type" && obj[name] is JsonValue old && !JsonNode.DeepEquals(old, value))
                        foreach (string field in obj.Select(p => p.Key).Where(k => k != "type").ToList()) obj.Remove(field);
                    if (last) obj[name] = value;
                    else node = obj[name] ??= new JsonObject();
                    break;
                }
                case JsonArray array when int.TryParse(key, out int index) && index >= 0 && index <= array.Count:
                    if (index == array.Count) array.Add(last ? value : new JsonObject());
                    else if (last) array[index] = value;
                    if (!last) node = array[index]!;
                    break;
                case JsonArray array:
                    throw new ArgumentException($"{edit}: '{key}' is not an index of {string.Join(".", path[..k])} (0 to {array.Count})");
                default:
                    throw new ArgumentException($"{edit}: {string.Join(".", path[..k])} is a value, not an object or a list");
            }
        }
    }

    // JSON when it parses, else the text as a string.
    private static JsonNode? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
