using System.Text.Json.Nodes;
using Plotly.NET;
using Plotly.NET.LayoutObjects;
using Plotly.NET.TraceObjects;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Reporting;

/// <summary>One named series of y values (with optional symmetric error bars, e.g. the sd over seeds).</summary>
/// <param name="Name">Legend name.</param>
/// <param name="Values">One value per x position or category.</param>
/// <param name="Errors">Error bar half-widths, or null.</param>
public sealed record Series(string Name, IReadOnlyList<double> Values, IReadOnlyList<double>? Errors = null);

/// <summary>
/// The figure kinds the notebooks use, built with Plotly.NET (what C# notebook users know): line curves, grouped
/// bars with error bars, labelled heatmaps, histograms, box plots and grids of subplots. Each returns a plain
/// <see cref="GenericChart"/>, so anything Plotly.NET offers can be applied afterwards; <see cref="ChartStyle"/>
/// adds the few styling calls that Plotly.NET exposes to C# only through F# options.
/// </summary>
public static class Charts
{
    /// <summary>One line (with markers) per series against a shared x.</summary>
    public static GenericChart Lines(IReadOnlyList<double> x, IEnumerable<Series> series, string? title = null, string? xTitle = null, string? yTitle = null,
        bool markers = true)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(series);
        var traces = series.Select(s =>
        {
            if (s.Values.Count != x.Count) throw new ArgumentException($"series '{s.Name}' has {s.Values.Count} values for {x.Count} x positions", nameof(series));
            var line = CSharpChart.Line<double, double, string>(x: x, y: s.Values, ShowMarkers: markers, Name: s.Name);
            return s.Errors is null ? line : line.WithYErrors(s.Errors);
        }).ToList();
        if (traces.Count == 0) throw new ArgumentException("no series to plot", nameof(series));
        return Styled(CSharpChart.Combine(traces), title, xTitle, yTitle);
    }

    /// <summary>Vertical bars, one group per category and one bar per series in it, with error bars where given.</summary>
    public static GenericChart GroupedBars(IReadOnlyList<string> categories, IEnumerable<Series> series, string? title = null, string? yTitle = null,
        (double Min, double Max)? yRange = null)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(series);
        var traces = series.Select(s =>
        {
            if (s.Values.Count != categories.Count) throw new ArgumentException($"series '{s.Name}' has {s.Values.Count} values for {categories.Count} categories", nameof(series));
            var bars = CSharpChart.Column<double, string, string>(values: s.Values, Keys: categories.ToArray(), Name: s.Name);
            return s.Errors is null ? bars : bars.WithYErrors(s.Errors);
        }).ToList();
        if (traces.Count == 0) throw new ArgumentException("no series to plot", nameof(series));
        var chart = Styled(CSharpChart.Combine(traces), title, null, yTitle);
        return yRange is { } r ? chart.WithYRange(r.Min, r.Max) : chart;
    }

    /// <summary>A heatmap with row and column labels and each value written in its cell.</summary>
    /// <param name="z">Values, [row, column].</param>
    /// <param name="columns">Column labels (x).</param>
    /// <param name="rows">Row labels (y, top to bottom).</param>
    /// <param name="title">Figure title.</param>
    /// <param name="xTitle">x axis title.</param>
    /// <param name="yTitle">y axis title.</param>
    /// <param name="format">How each cell's value is written.</param>
    public static GenericChart Heatmap(double[,] z, IReadOnlyList<string> columns, IReadOnlyList<string> rows, string? title = null,
        string? xTitle = null, string? yTitle = null, string format = "0.##")
    {
        ArgumentNullException.ThrowIfNull(z);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        if (z.GetLength(0) != rows.Count || z.GetLength(1) != columns.Count)
            throw new ArgumentException($"values are {z.GetLength(0)} x {z.GetLength(1)} but there are {rows.Count} row and {columns.Count} column labels", nameof(z));
        var values = Enumerable.Range(0, rows.Count).Select(r => Enumerable.Range(0, columns.Count).Select(c => z[r, c]).ToArray()).ToArray();
        var text = values.Select(row => row.Select(v => v.ToString(format, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var chart = CSharpChart.AnnotatedHeatmap<double, string, string, string>(zData: values, annotationText: text, X: columns.ToArray(), Y: rows.ToArray(),
            ColorScale: StyleParam.Colorscale.Greens, ReverseYAxis: true);
        return Styled(chart, title, xTitle, yTitle);
    }

    /// <summary>A histogram of values.</summary>
    public static GenericChart Histogram(IEnumerable<double> values, string name, int? bins = null, string? title = null, string? xTitle = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var chart = bins is { } b
            ? CSharpChart.Histogram<double, double, string>(X: values.ToArray(), Name: name, NBinsX: b)
            : CSharpChart.Histogram<double, double, string>(X: values.ToArray(), Name: name);
        return Styled(chart, title, xTitle, "count");
    }

    /// <summary>One box per named group of values (e.g. F1 over seeds per configuration).</summary>
    public static GenericChart Boxes(IEnumerable<(string Name, IReadOnlyList<double> Values)> groups, string? title = null, string? yTitle = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var traces = groups.Select(g => CSharpChart.BoxPlot<string, double, string>(Y: g.Values.ToArray(), Name: g.Name, BoxPoints: StyleParam.BoxPoints.All)).ToList();
        if (traces.Count == 0) throw new ArgumentException("no groups to plot", nameof(groups));
        return Styled(CSharpChart.Combine(traces), title, null, yTitle);
    }

    /// <summary>Charts side by side on a grid (row-major), each with its own axes and an optional title above it.</summary>
    public static GenericChart Grid(IReadOnlyList<GenericChart> charts, int rows, int columns, IReadOnlyList<string>? titles = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(charts);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (charts.Count == 0 || charts.Count > rows * columns)
            throw new ArgumentException($"{charts.Count} charts do not fit a {rows} x {columns} grid", nameof(charts));
        var grid = (titles is null
            ? CSharpChart.Grid(charts, rows, columns)
            : CSharpChart.Grid(charts, rows, columns, SubPlotTitles: titles.ToArray())).WithPixelSize(Math.Min(1200, 440 * columns), 360 * rows);
        return title is null ? grid : grid.WithTitleText(title);
    }

    // Plotly.NET's default layout is 600 x 600; reports want wider figures. Sizes can be changed afterwards.
    private static GenericChart Styled(GenericChart chart, string? title, string? xTitle, string? yTitle)
    {
        chart = chart.WithPixelSize(720, 420);
        if (title is not null) chart = chart.WithTitleText(title);
        if (xTitle is not null) chart = chart.WithAxisTitles(xTitle, null);
        if (yTitle is not null) chart = chart.WithAxisTitles(null, yTitle);
        return chart;
    }
}

/// <summary>
/// Styling of Plotly.NET charts from C# (Plotly.NET's own styling functions take F# options), and the figure as
/// plotly.js JSON for export.
/// </summary>
public static class ChartStyle
{
    /// <summary>The figure title.</summary>
    public static GenericChart WithTitleText(this GenericChart chart, string title) => Plotly.NET.Chart.withTitle(title, null).Invoke(chart);

    /// <summary>Axis titles (null leaves one as it is); <paramref name="subplot"/> picks the axes of a grid cell (1-based, row-major).</summary>
    public static GenericChart WithAxisTitles(this GenericChart chart, string? xTitle, string? yTitle, int subplot = 1)
    {
        var id = subplot == 1 ? null : Microsoft.FSharp.Core.FSharpOption<StyleParam.SubPlotId>.Some(StyleParam.SubPlotId.NewXAxis(subplot));
        var yid = subplot == 1 ? null : Microsoft.FSharp.Core.FSharpOption<StyleParam.SubPlotId>.Some(StyleParam.SubPlotId.NewYAxis(subplot));
        if (xTitle is not null) chart = Plotly.NET.Chart.withXAxisStyle<double, double, string>(Some(xTitle), null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, id).Invoke(chart);
        if (yTitle is not null) chart = Plotly.NET.Chart.withYAxisStyle<double, double, string>(Some(yTitle), null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, yid).Invoke(chart);
        return chart;
    }

    /// <summary>Fixes the y range of the (first) y axis.</summary>
    public static GenericChart WithYRange(this GenericChart chart, double min, double max) =>
        Plotly.NET.Chart.withYAxisStyle<double, double, string>(null, null, null, null, null, null, Some(Tuple.Create(min, max)), null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null).Invoke(chart);

    /// <summary>Symmetric error bars on every trace of the chart.</summary>
    public static GenericChart WithYErrors(this GenericChart chart, IReadOnlyList<double> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var error = Error.init<double, double>(Some(true), Some(StyleParam.ErrorType.Data), Some(true), Some<IEnumerable<double>>(errors.ToArray()), null, null, null,
            null, null, null, null, null, null, null, null);
        return Plotly.NET.Chart.withYError(error).Invoke(chart);
    }

    /// <summary>The size in pixels (also the size of PNG and SVG exports).</summary>
    public static GenericChart WithPixelSize(this GenericChart chart, int width, int height) => Plotly.NET.Chart.withSize((double)width, (double)height).Invoke(chart);

    /// <summary>Shows or hides the legend.</summary>
    public static GenericChart WithLegendShown(this GenericChart chart, bool show)
    {
        var layout = new Layout();
        layout.SetProperty("showlegend", show);
        return Plotly.NET.Chart.withLayout(layout).Invoke(chart);
    }

    /// <summary>The plotly.js figure, <c>{data, layout, config}</c>, as JSON.</summary>
    public static JsonObject ToFigureJson(this GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var figure = JsonNode.Parse(GenericChart.toFigureJson(chart))!.AsObject();
        figure.Remove("frames");
        figure["config"] ??= new JsonObject();
        return figure;
    }

    /// <summary>The chart's width and height from its layout, or the defaults given.</summary>
    public static (int Width, int Height) PixelSize(this GenericChart chart, int defaultWidth = 720, int defaultHeight = 420) =>
        PixelSize(chart.ToFigureJson(), defaultWidth, defaultHeight);

    /// <summary>A figure's width and height from its layout, or the defaults given (for callers that already hold the JSON).</summary>
    public static (int Width, int Height) PixelSize(JsonObject figure, int defaultWidth = 720, int defaultHeight = 420)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var layout = figure["layout"];
        return ((int?)layout?["width"]?.GetValue<double>() ?? defaultWidth, (int?)layout?["height"]?.GetValue<double>() ?? defaultHeight);
    }

    /// <summary>The figure title, or null.</summary>
    public static string? TitleText(this GenericChart chart) => TitleText(chart.ToFigureJson());

    /// <summary>A figure's title, or null.</summary>
    public static string? TitleText(JsonObject figure) => figure?["layout"]?["title"]?["text"]?.GetValue<string>();

    private static Microsoft.FSharp.Core.FSharpOption<T> Some<T>(T value) => Microsoft.FSharp.Core.FSharpOption<T>.Some(value);
}
