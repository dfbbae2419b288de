using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;

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

    // Records (objects with public properties) as a table; null when the items are not all of one such type.
    private static (string Text, string Html)? TableOf(IEnumerable items)
    {
        var rows = items.Cast<object?>().Take(1001).ToList();
        if (rows.Count == 0 || rows.Any(r => r is null)) return null;
        Type type = rows[0]!.GetType();
        if (type.IsPrimitive || type == typeof(string) || rows.Any(r => r!.GetType() != type)) return null;
        var props = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToArray();
        if (props.Length == 0) return null;
        bool more = rows.Count > 1000;
        if (more) rows.RemoveAt(1000);
        string Cell(object? v) => v switch
        {
            double d => d.ToString("0.####", CultureInfo.InvariantCulture),
            float f => f.ToString("0.####", CultureInfo.InvariantCulture),
            _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
        };
        var cells = rows.Select(r => props.Select(p => Cell(p.GetValue(r))).ToArray()).ToList();
        var html = new StringBuilder("<table><thead><tr>");
        foreach (var p in props) html.Append("<th>").Append(WebUtility.HtmlEncode(p.Name)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var r in cells)
        {
            html.Append("<tr>");
            foreach (string c in r) html.Append("<td>").Append(WebUtility.HtmlEncode(c)).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        if (more) html.Append("<p>(first 1000 rows)</p>");
        int[] widths = props.Select((p, k) => Math.Max(p.Name.Length, cells.Max(r => r[k].Length))).ToArray();
        var text = new StringBuilder(string.Join("  ", props.Select((p, k) => p.Name.PadRight(widths[k]))).TrimEnd()).Append('\n');
        foreach (var r in cells) text.Append(string.Join("  ", r.Select((c, k) => c.PadRight(widths[k]))).TrimEnd()).Append('\n');
        return (text.ToString(), html.ToString());
    }
}
