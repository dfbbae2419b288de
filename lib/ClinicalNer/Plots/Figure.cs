using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClinicalNer.Plots;

/// <summary>
/// A Plotly figure built from C#: traces (line/scatter, grouped bars, labelled heatmaps, histograms,
/// boxes) on a grid of subplots, with titles, axis titles and legends. <see cref="ToJson"/> is the
/// <c>{data, layout, config}</c> object plotly.js draws; <see cref="ToMimeBundle"/> is what a notebook displays.
/// </summary>
public sealed class Figure
{
    private readonly JsonArray data = [];
    private readonly JsonObject layout = new();
    private int rows = 1, cols = 1;

    /// <summary>Creates an empty figure.</summary>
    public Figure(string? title = null, int width = 720, int height = 420)
    {
        if (title is not null) layout["title"] = new JsonObject { ["text"] = title };
        layout["width"] = width;
        layout["height"] = height;
        Width = width;
        Height = height;
    }

    /// <summary>Width in pixels (also the export size).</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }
    /// <summary>The title, if any.</summary>
    public string? Title => layout["title"]?["text"]?.GetValue<string>();

    /// <summary>A grid of subplots (row-major), with optional titles above each.</summary>
    public Figure Subplots(int rowCount, int columnCount, IReadOnlyList<string>? titles = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columnCount, 1);
        rows = rowCount;
        cols = columnCount;
        layout["grid"] = new JsonObject { ["rows"] = rows, ["columns"] = cols, ["pattern"] = "independent" };
        if (titles is not null)
        {
            var annotations = new JsonArray();
            for (int k = 0; k < Math.Min(titles.Count, rows * cols); k++)
            {
                var (xd, yd) = Domain(k / cols + 1, k % cols + 1);
                annotations.Add(new JsonObject
                {
                    ["text"] = titles[k], ["showarrow"] = false, ["xref"] = "paper", ["yref"] = "paper",
                    ["x"] = (xd.Item1 + xd.Item2) / 2, ["y"] = yd.Item2, ["xanchor"] = "center", ["yanchor"] = "bottom",
                });
            }
            layout["annotations"] = annotations;
        }
        for (int r = 1; r <= rows; r++)
            for (int c = 1; c <= cols; c++)
            {
                var (xd, yd) = Domain(r, c);
                int n = (r - 1) * cols + c;
                Axis("x", n)["domain"] = new JsonArray(xd.Item1, xd.Item2);
                Axis("y", n)["domain"] = new JsonArray(yd.Item1, yd.Item2);
                Axis("x", n)["anchor"] = Ref("y", n);
                Axis("y", n)["anchor"] = Ref("x", n);
            }
        return this;
    }

    /// <summary>A line (or scatter with mode "markers") trace.</summary>
    public Figure Line(IEnumerable<double> x, IEnumerable<double> y, string name, string mode = "lines+markers", int row = 1, int col = 1) =>
        Add(new JsonObject { ["type"] = "scatter", ["mode"] = mode, ["name"] = name, ["x"] = Numbers(x), ["y"] = Numbers(y) }, row, col);

    /// <summary>A bar trace; several bar traces on one subplot are grouped.</summary>
    public Figure Bar(IEnumerable<string> categories, IEnumerable<double> values, string name, int row = 1, int col = 1)
    {
        layout["barmode"] = "group";
        return Add(new JsonObject { ["type"] = "bar", ["name"] = name, ["x"] = Strings(categories), ["y"] = Numbers(values) }, row, col);
    }

    /// <summary>A heatmap with row/column labels and, by default, the values written in the cells.</summary>
    /// <param name="z">Values, [row, column].</param>
    /// <param name="columns">Column labels (x).</param>
    /// <param name="rowLabels">Row labels (y).</param>
    /// <param name="name">Trace name.</param>
    /// <param name="showValues">Write each value in its cell.</param>
    /// <param name="colorscale">A plotly colour scale name.</param>
    /// <param name="row">Subplot row.</param>
    /// <param name="col">Subplot column.</param>
    public Figure Heatmap(double[,] z, IReadOnlyList<string> columns, IReadOnlyList<string> rowLabels, string name = "", bool showValues = true,
        string colorscale = "Blues", int row = 1, int col = 1)
    {
        ArgumentNullException.ThrowIfNull(z);
        var zs = new JsonArray();
        var text = new JsonArray();
        for (int i = 0; i < z.GetLength(0); i++)
        {
            zs.Add(Numbers(Enumerable.Range(0, z.GetLength(1)).Select(j => z[i, j])));
            text.Add(Strings(Enumerable.Range(0, z.GetLength(1)).Select(j => z[i, j].ToString("0.##", CultureInfo.InvariantCulture))));
        }
        var trace = new JsonObject
        {
            ["type"] = "heatmap", ["name"] = name, ["z"] = zs, ["x"] = Strings(columns), ["y"] = Strings(rowLabels), ["colorscale"] = colorscale,
        };
        if (showValues)
        {
            trace["text"] = text;
            trace["texttemplate"] = "%{text}";
        }
        Axis("y", (row - 1) * cols + col)["automargin"] = true; // long row labels push the plot right instead of being cut
        return Add(trace, row, col);
    }

    /// <summary>A histogram of values.</summary>
    public Figure Histogram(IEnumerable<double> values, string name, int? bins = null, int row = 1, int col = 1)
    {
        var trace = new JsonObject { ["type"] = "histogram", ["name"] = name, ["x"] = Numbers(values) };
        if (bins is { } b) trace["nbinsx"] = b;
        return Add(trace, row, col);
    }

    /// <summary>A box plot of values.</summary>
    public Figure Box(IEnumerable<double> values, string name, int row = 1, int col = 1) =>
        Add(new JsonObject { ["type"] = "box", ["name"] = name, ["y"] = Numbers(values) }, row, col);

    /// <summary>Sets an axis title (and optionally its range).</summary>
    public Figure XAxis(string title, int row = 1, int col = 1, double[]? range = null) => SetAxis("x", title, row, col, range);

    /// <summary>Sets an axis title (and optionally its range).</summary>
    public Figure YAxis(string title, int row = 1, int col = 1, double[]? range = null) => SetAxis("y", title, row, col, range);

    /// <summary>Shows or hides the legend.</summary>
    public Figure Legend(bool show = true)
    {
        layout["showlegend"] = show;
        return this;
    }

    /// <summary>The traces so far.</summary>
    public int TraceCount => data.Count;

    /// <summary>The plotly.js figure: data, layout and config.</summary>
    public JsonObject ToJson() => new()
    {
        ["data"] = data.DeepClone(),
        ["layout"] = layout.DeepClone(),
        ["config"] = new JsonObject { ["responsive"] = true, ["displaylogo"] = false },
    };

    /// <summary>
    /// The notebook bundle: <c>application/vnd.plotly.v1+json</c> (drawn offline by VS Code's and JupyterLab's
    /// renderers), <c>text/html</c> with a local plotly.js (no CDN, no require.js), and text.
    /// </summary>
    /// <remarks>
    /// plotly.js is 4.8 MB, so the HTML of the first figure of a process carries it and later figures use
    /// the page's <c>window.Plotly</c> (notebook front ends share one page or webview per notebook).
    /// Standalone files from <see cref="SaveHtml"/> always carry it.
    /// </remarks>
    public IReadOnlyDictionary<string, object> ToMimeBundle() => new Dictionary<string, object>
    {
        ["application/vnd.plotly.v1+json"] = ToJson(),
        ["text/html"] = ToHtml(fullPage: false, inlinePlotly: PlotlyJs.FirstUse()),
        ["text/plain"] = $"Figure: {Title ?? "(untitled)"} ({data.Count} traces)",
    };

    /// <summary>HTML that draws the figure with a local copy of plotly.js (no CDN, no require.js).</summary>
    public string ToHtml(bool fullPage = true, bool inlinePlotly = true)
    {
        string id = "fig-" + Guid.NewGuid().ToString("N")[..10];
        string json = ToJson().ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default });
        string? plotly = PlotlyJs.Source();
        string draw = $"<script type=\"text/javascript\">(function(){{var f={json};if(window.Plotly){{Plotly.newPlot('{id}',f.data,f.layout,f.config);}}" +
            $"else{{document.getElementById('{id}').textContent='plotly.js is not loaded on this page: re-run the notebook or export the figure';}}}})();</script>";
        string body = plotly is null
            ? $"<div id=\"{id}\"><p>plotly.js was not found (run ./lab setup); figure JSON:</p><pre>{WebUtility.HtmlEncode(json)}</pre></div>"
            : $"<div id=\"{id}\" style=\"width:{Width}px;height:{Height}px\"></div>\n" +
              (inlinePlotly ? $"<script type=\"text/javascript\">{plotly}</script>\n" : "") + draw;
        return fullPage ? $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(Title ?? "figure")}</title></head><body>\n{body}\n</body></html>\n" : body;
    }

    /// <summary>Writes a standalone HTML file.</summary>
    public void SaveHtml(string path) => File.WriteAllText(path, ToHtml(fullPage: true));

    private Figure Add(JsonObject trace, int row, int col)
    {
        if (row < 1 || row > rows || col < 1 || col > cols)
            throw new ArgumentOutOfRangeException(nameof(row), $"subplot ({row}, {col}) is outside the {rows} x {cols} grid; call Subplots first");
        int n = (row - 1) * cols + col;
        if (n > 1)
        {
            trace["xaxis"] = Ref("x", n);
            trace["yaxis"] = Ref("y", n);
        }
        data.Add(trace);
        return this;
    }

    private Figure SetAxis(string letter, string title, int row, int col, double[]? range)
    {
        var axis = Axis(letter, (row - 1) * cols + col);
        axis["title"] = new JsonObject { ["text"] = title };
        if (range is not null) axis["range"] = new JsonArray(range.Select(v => (JsonNode?)v).ToArray());
        return this;
    }

    private JsonObject Axis(string letter, int n)
    {
        string key = letter + "axis" + (n == 1 ? "" : n.ToString(CultureInfo.InvariantCulture));
        return (JsonObject)(layout[key] ??= new JsonObject());
    }

    private static string Ref(string letter, int n) => letter + (n == 1 ? "" : n.ToString(CultureInfo.InvariantCulture));

    // Subplot (r, c)'s paper domains, with gaps between cells.
    private ((double, double), (double, double)) Domain(int r, int c)
    {
        const double gap = 0.08;
        double w = (1 - gap * (cols - 1)) / cols, h = (1 - gap * (rows - 1)) / rows;
        double x0 = (c - 1) * (w + gap), y1 = 1 - (r - 1) * (h + gap);
        return ((Math.Round(x0, 4), Math.Round(x0 + w, 4)), (Math.Round(y1 - h, 4), Math.Round(y1, 4)));
    }

    private static JsonArray Numbers(IEnumerable<double> values) =>
        new(values.Select(v => double.IsFinite(v) ? (JsonNode?)JsonValue.Create(v) : null).ToArray());

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
