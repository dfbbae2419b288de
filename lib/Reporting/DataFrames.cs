using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using Microsoft.Data.Analysis;

namespace Reporting;

/// <summary>
/// What <see cref="DataFrame"/> lacks for reports, kept thin: a frame from records, Markdown, aligned text for a
/// console, HTML for notebooks, and CSV written as UTF-8 with invariant numbers (DataFrame.SaveCsv's defaults
/// write '?' for Chinese text).
/// </summary>
public static class DataFrames
{
    /// <summary>
    /// The number in <paramref name="column"/> of the row whose key columns hold the given texts, e.g.
    /// <c>summary.Value("TestF1", ("Configuration", "full"))</c> or, per type, <c>perType.Value("F1", ("Configuration", c), ("Type", "BODY"))</c>.
    /// </summary>
    /// <exception cref="ArgumentException">When a column does not exist (named, with the ones that do).</exception>
    /// <exception cref="KeyNotFoundException">When no row has those keys (named).</exception>
    public static double Value(this DataFrame frame, string column, params (string Column, string Is)[] where)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(where);
        long row = RowOf(frame, where);
        return row >= 0 ? Number(frame, column, row)
            : throw new KeyNotFoundException($"no row with {string.Join(", ", where.Select(w => $"{w.Column} = '{w.Is}'"))}");
    }

    /// <summary><see cref="Value"/>, or NaN when no row has those keys (a type a configuration never scored).</summary>
    /// <exception cref="ArgumentException">When a column does not exist.</exception>
    public static double ValueOrNaN(this DataFrame frame, string column, params (string Column, string Is)[] where)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(where);
        long row = RowOf(frame, where);
        return row >= 0 ? Number(frame, column, row) : double.NaN;
    }

    // An empty cell reads as NaN, as a mean over no run is.
    private static double Number(DataFrame frame, string column, long row) =>
        Column(frame, column)[row] is { } cell ? Convert.ToDouble(cell, CultureInfo.InvariantCulture) : double.NaN;

    private static long RowOf(DataFrame frame, (string Column, string Is)[] where)
    {
        var keys = where.Select(w => (Column: Column(frame, w.Column), w.Is)).ToList();
        for (long row = 0; row < frame.Rows.Count; row++)
            if (keys.All(k => k.Column[row] is string text && text == k.Is)) return row;
        return -1;
    }

    private static DataFrameColumn Column(DataFrame frame, string name) =>
        frame.Columns.IndexOf(name) >= 0 ? frame.Columns[name]
            : throw new ArgumentException($"no column '{name}' (the frame has {string.Join(", ", frame.Columns.Select(c => c.Name))})", nameof(name));

    /// <summary>One column per public property of <typeparamref name="T"/> (numbers, booleans and text typed), one row per record.</summary>
    public static DataFrame FromRecords<T>(IEnumerable<T> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var rows = records.ToList();
        var props = RecordProperties(typeof(T));
        if (props.Length == 0) throw new ArgumentException($"{typeof(T).Name} has no public properties to make columns of", nameof(records));
        return new DataFrame(props.Select(p => Column(p.Name, p.PropertyType, rows.Select(r => r is null ? null : p.GetValue(r)).ToList())));
    }

    /// <summary>A column typed by <paramref name="type"/>: double, float, int, long, bool or text (anything else as its invariant string).</summary>
    public static DataFrameColumn Column(string name, Type type, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(values);
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
            return new DoubleDataFrameColumn(name, values.Select(v => v is null ? (double?)null : Convert.ToDouble(v, CultureInfo.InvariantCulture)));
        if (type == typeof(int) || type == typeof(long) || type == typeof(short))
            return new Int64DataFrameColumn(name, values.Select(v => v is null ? (long?)null : Convert.ToInt64(v, CultureInfo.InvariantCulture)));
        if (type == typeof(bool)) return new BooleanDataFrameColumn(name, values.Select(v => (bool?)v));
        return new StringDataFrameColumn(name, values.Select(Cell));
    }

    /// <summary>The public, non-indexed instance properties that make a record's columns.</summary>
    public static PropertyInfo[] RecordProperties(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract").ToArray();
    }

    /// <summary>A value as the tables show it: invariant numbers (at most 4 decimals), empty for null.</summary>
    public static string Cell(object? value) => value switch
    {
        null => "",
        double d => double.IsNaN(d) ? "" : Math.Round(d, 4).ToString(CultureInfo.InvariantCulture),
        float f => Math.Round(f, 4).ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The cells of row <paramref name="row"/> as text.</summary>
    public static IReadOnlyList<string> RowCells(this DataFrame frame, long row)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return frame.Columns.Select(c => Cell(c[row])).ToList();
    }

    /// <summary>A GitHub-flavoured Markdown table: numeric columns right-aligned, pipes escaped, newlines as spaces.</summary>
    public static string ToMarkdown(this DataFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal).Replace('\n', ' ');
        var sb = new StringBuilder();
        sb.Append("| ").AppendJoin(" | ", frame.Columns.Select(c => Escape(c.Name))).Append(" |\n");
        sb.Append('|').AppendJoin("|", frame.Columns.Select(c => IsNumeric(c) ? "---:" : "---")).Append("|\n");
        for (long r = 0; r < frame.Rows.Count; r++) sb.Append("| ").AppendJoin(" | ", frame.RowCells(r).Select(Escape)).Append(" |\n");
        return sb.ToString();
    }

    /// <summary>Columns padded to their widest cell (East Asian characters count two), for a console.</summary>
    public static string ToText(this DataFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var rows = new List<IReadOnlyList<string>> { frame.Columns.Select(c => c.Name).ToList() };
        for (long r = 0; r < frame.Rows.Count; r++) rows.Add(frame.RowCells(r).Select(c => c.Replace('\n', ' ')).ToList());
        int[] widths = Enumerable.Range(0, frame.Columns.Count).Select(c => rows.Max(row => DisplayWidth(row[c]))).ToArray();
        var sb = new StringBuilder();
        foreach (var row in rows)
        {
            for (int c = 0; c < row.Count; c++)
            {
                string pad = new(' ', widths[c] - DisplayWidth(row[c]));
                sb.Append(IsNumeric(frame.Columns[c]) ? pad + row[c] : row[c] + pad);
                sb.Append(c + 1 < row.Count ? "  " : "");
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>An HTML table (at most <paramref name="maxRows"/> rows, with a note when cut).</summary>
    public static string ToHtml(this DataFrame frame, int maxRows = 1000)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var sb = new StringBuilder("<table><thead><tr>");
        foreach (var c in frame.Columns) sb.Append("<th>").Append(WebUtility.HtmlEncode(c.Name)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        long shown = Math.Min(frame.Rows.Count, maxRows);
        for (long r = 0; r < shown; r++)
        {
            sb.Append("<tr>");
            var cells = frame.RowCells(r);
            for (int c = 0; c < cells.Count; c++)
                sb.Append(IsNumeric(frame.Columns[c]) ? "<td style=\"text-align:right\">" : "<td>").Append(WebUtility.HtmlEncode(cells[c])).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        if (shown < frame.Rows.Count) sb.Append(CultureInfo.InvariantCulture, $"<p>(first {shown} of {frame.Rows.Count} rows)</p>");
        return sb.ToString();
    }

    /// <summary>Writes CSV (UTF-8 without BOM, invariant numbers, RFC 4180 quoting) and returns the path.</summary>
    public static string SaveCsvFile(this DataFrame frame, string path)
    {
        ArgumentNullException.ThrowIfNull(frame);
        CreateParent(path);
        DataFrame.SaveCsv(frame, path, encoding: new UTF8Encoding(false), cultureInfo: CultureInfo.InvariantCulture);
        return path;
    }

    /// <summary>Writes <see cref="ToMarkdown"/> and returns the path.</summary>
    public static string SaveMarkdown(this DataFrame frame, string path)
    {
        CreateParent(path);
        File.WriteAllText(path, frame.ToMarkdown(), new UTF8Encoding(false));
        return path;
    }

    private static void CreateParent(string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
    }

    private static bool IsNumeric(DataFrameColumn column) => column.DataType != typeof(string) && column.DataType != typeof(bool);

    private static int DisplayWidth(string s) => s.Sum(ch => ch >= 0x1100 && (ch <= 0x115F || (ch >= 0x2E80 && ch <= 0xA4CF) || (ch >= 0xAC00 && ch <= 0xD7A3) || (ch >= 0xF900 && ch <= 0xFAFF) || (ch >= 0xFF00 && ch <= 0xFF60) || (ch >= 0xFFE0 && ch <= 0xFFE6)) ? 2 : 1);
}
