using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;

namespace ClinicalNer.Evaluation;

/// <summary>
/// A small table of already formatted cells: what notebooks display (HTML and aligned text) and what a
/// report needs on disk (CSV for spreadsheets, Markdown for papers and READMEs). Numbers are formatted
/// once, when the table is built, so every export shows the same digits.
/// </summary>
public sealed class Table
{
    /// <summary>Column headers.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Rows of cells, each as long as <see cref="Columns"/>.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }

    /// <summary>A line shown under the table (e.g. the macro-F1), or null.</summary>
    public string? Note { get; init; }

    /// <summary>A table from headers and rows of values (numbers formatted with <see cref="FormatCell"/>).</summary>
    /// <exception cref="ArgumentException">When a row's length differs from the number of columns.</exception>
    public Table(IEnumerable<string> columns, IEnumerable<IEnumerable<object?>> rows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        Columns = columns.ToArray();
        var cells = new List<IReadOnlyList<string>>();
        foreach (var row in rows)
        {
            string[] r = row.Select(FormatCell).ToArray();
            if (r.Length != Columns.Count)
                throw new ArgumentException($"row {cells.Count + 1} has {r.Length} cells but the table has {Columns.Count} columns ({string.Join(", ", Columns)})", nameof(rows));
            cells.Add(r);
        }
        Rows = cells;
    }

    /// <summary>One column per public property of <typeparamref name="T"/>, one row per record.</summary>
    public static Table From<T>(IEnumerable<T> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return From(records, typeof(T));
    }

    /// <summary>One column per public property of <paramref name="type"/>, one row per record (each of that type).</summary>
    public static Table From(System.Collections.IEnumerable records, Type type)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(type);
        PropertyInfo[] props = RecordProperties(type);
        if (props.Length == 0) throw new ArgumentException($"{type.Name} has no public properties to make columns of", nameof(type));
        return new Table(props.Select(p => p.Name), records.Cast<object?>().Select(r => props.Select(p => p.GetValue(r))));
    }

    /// <summary>The public, non-indexed instance properties that make a record's columns.</summary>
    public static PropertyInfo[] RecordProperties(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToArray();
    }

    /// <summary>How a value becomes a cell: doubles and floats with up to 4 decimals, invariant culture.</summary>
    public static string FormatCell(object? value) => value switch
    {
        null => "",
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        float f => f.ToString("0.####", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Aligned plain text: numeric columns right-aligned, others left-aligned.</summary>
    public string ToText()
    {
        int[] widths = Enumerable.Range(0, Columns.Count)
            .Select(k => Rows.Select(r => r[k].Length).Append(Columns[k].Length).Max()).ToArray();
        bool[] numeric = Enumerable.Range(0, Columns.Count)
            .Select(k => Rows.Count > 0 && Rows.All(r => r[k].Length == 0 || r[k] == "-" || double.TryParse(r[k], NumberStyles.Float, CultureInfo.InvariantCulture, out _))).ToArray();
        string Line(IReadOnlyList<string> cells) =>
            string.Join("  ", cells.Select((c, k) => numeric[k] ? c.PadLeft(widths[k]) : c.PadRight(widths[k]))).TrimEnd();
        var sb = new StringBuilder(Line(Columns)).Append('\n');
        foreach (var row in Rows) sb.Append(Line(row)).Append('\n');
        if (Note is not null) sb.Append(Note).Append('\n');
        return sb.ToString();
    }

    /// <summary>An HTML table (cells encoded), the note as a paragraph under it.</summary>
    public string ToHtml()
    {
        var sb = new StringBuilder("<table><thead><tr>");
        foreach (string c in Columns) sb.Append("<th>").Append(WebUtility.HtmlEncode(c)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in Rows)
        {
            sb.Append("<tr>");
            foreach (string c in row) sb.Append("<td>").Append(WebUtility.HtmlEncode(c)).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        if (Note is not null) sb.Append("<p>").Append(WebUtility.HtmlEncode(Note)).Append("</p>");
        return sb.ToString();
    }

    /// <summary>
    /// RFC 4180 CSV: comma-separated, CRLF line ends, fields with a comma, quote or line break quoted
    /// (quotes doubled). The note is not part of the data and is left out.
    /// </summary>
    public string ToCsv()
    {
        static string Field(string s) =>
            s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
        var sb = new StringBuilder();
        sb.Append(string.Join(',', Columns.Select(Field))).Append("\r\n");
        foreach (var row in Rows) sb.Append(string.Join(',', row.Select(Field))).Append("\r\n");
        return sb.ToString();
    }

    /// <summary>A GitHub-flavoured Markdown table (pipes escaped, line breaks as &lt;br&gt;), numeric columns right-aligned, the note after it.</summary>
    public string ToMarkdown()
    {
        static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\r\n", "<br>", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal);
        bool Numeric(int k) => Rows.Count > 0 && Rows.All(r => r[k].Length == 0 || r[k] == "-" || double.TryParse(r[k], NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var sb = new StringBuilder();
        sb.Append("| ").Append(string.Join(" | ", Columns.Select(Cell))).Append(" |\n");
        sb.Append('|').Append(string.Join('|', Enumerable.Range(0, Columns.Count).Select(k => Numeric(k) ? "---:" : "---"))).Append("|\n");
        foreach (var row in Rows) sb.Append("| ").Append(string.Join(" | ", row.Select(Cell))).Append(" |\n");
        if (Note is not null) sb.Append('\n').Append(Cell(Note)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToCsv"/> as UTF-8 (no BOM), creating the folder; returns the full path.</summary>
    public string SaveCsv(string path) => Save(path, ToCsv());

    /// <summary>Writes <see cref="ToMarkdown"/> as UTF-8, creating the folder; returns the full path.</summary>
    public string SaveMarkdown(string path) => Save(path, ToMarkdown());

    /// <summary>HTML and text, for notebooks.</summary>
    public IReadOnlyDictionary<string, object> ToMimeBundle() =>
        new Dictionary<string, object> { ["text/html"] = ToHtml(), ["text/plain"] = ToText() };

    /// <inheritdoc/>
    public override string ToString() => ToText();

    private static string Save(string path, string content)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return full;
    }
}
