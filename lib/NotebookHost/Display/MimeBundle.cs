using System.Collections;
using System.Globalization;
using System.Reflection;
using ClinicalNer.Evaluation;

namespace NotebookHost.Display;

/// <summary>
/// Turns any object into a MIME bundle (mime type → data). An object may render itself by a public
/// <c>ToMimeBundle()</c> method returning <c>IReadOnlyDictionary&lt;string, object&gt;</c> (a convention, so
/// libraries such as ClinicalNer need no reference to this host); other objects get text/plain, and
/// sequences of records an HTML table as well.
/// </summary>
public static class MimeBundle
{
    /// <summary>Plain text.</summary>
    public const string Text = "text/plain";
    /// <summary>HTML.</summary>
    public const string Html = "text/html";

    /// <summary>The bundle of a value.</summary>
    public static IReadOnlyDictionary<string, object> Of(object? value)
    {
        if (value is null) return new Dictionary<string, object> { [Text] = "null" };
        if (value is IReadOnlyDictionary<string, object> bundle && bundle.Keys.All(k => k.Contains('/', StringComparison.Ordinal))) return bundle;
        MethodInfo? render = value.GetType().GetMethod("ToMimeBundle", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        if (render?.Invoke(value, null) is IReadOnlyDictionary<string, object> own) return own;
        if (value is string s) return new Dictionary<string, object> { [Text] = s };
        if (value is IEnumerable items and not IDictionary && TableOf(items) is { } table)
            return new Dictionary<string, object> { [Text] = table.Text, [Html] = table.Html };
        if (value is IEnumerable list and not IDictionary)
            return new Dictionary<string, object> { [Text] = string.Join("\n", list.Cast<object?>().Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))) };
        return new Dictionary<string, object> { [Text] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "" };
    }

    // Records (objects with public properties) as a table, rendered as every table in the project is
    // (ClinicalNer.Evaluation.Table); null when the items are not all of one such type.
    private static (string Text, string Html)? TableOf(IEnumerable items)
    {
        const int MaxRows = 1000;
        var rows = items.Cast<object?>().Take(MaxRows + 1).ToList();
        if (rows.Count == 0 || rows.Any(r => r is null)) return null;
        Type type = rows[0]!.GetType();
        if (type.IsPrimitive || type == typeof(string) || rows.Any(r => r!.GetType() != type)) return null;
        if (Table.RecordProperties(type).Length == 0) return null;
        bool more = rows.Count > MaxRows;
        var table = Table.From(rows.Take(MaxRows), type);
        if (more) table = new Table(table.Columns, table.Rows) { Note = $"(first {MaxRows} rows)" };
        return (table.ToText(), table.ToHtml());
    }
}
