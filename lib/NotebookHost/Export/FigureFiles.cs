using Reporting;
using Plotly.NET;

namespace NotebookHost.Export;

/// <summary>Writes a chart to a report folder as HTML, PNG and/or SVG: <c>FigureFiles.Save(chart, exportDir, "f1-by-type")</c>.</summary>
public static class FigureFiles
{
    private static readonly string[] AllFormats = ["html", "png", "svg"];

    /// <summary>
    /// Writes <c>name.html</c> (standalone, plotly.js inline), <c>name.png</c> and <c>name.svg</c> (or the formats asked
    /// for) at the chart's size (<see cref="ChartStyle.WithPixelSize"/>; 720 x 420 when unset) and returns their paths.
    /// </summary>
    public static IReadOnlyList<string> Save(GenericChart chart, string directory, string name, params string[] formats)
    {
        ArgumentNullException.ThrowIfNull(chart);
        Directory.CreateDirectory(directory);
        var figure = chart.ToFigureJson();   // serialised once for every format
        var (width, height) = ChartStyle.PixelSize(figure);
        var written = new List<string>();
        foreach (string format in formats.Length == 0 ? AllFormats : formats)
        {
            string path = Path.Combine(directory, $"{name}.{format.ToLowerInvariant()}");
            if (format.Equals("html", StringComparison.OrdinalIgnoreCase)) File.WriteAllText(path, ChartHtml.Page(figure, width, height));
            else FigureExport.Save(figure, path, width, height);
            written.Add(path);
        }
        return written;
    }

    /// <summary>Writes each chart under its name (<see cref="Save(GenericChart, string, string, string[])"/>, every format) and returns the paths.</summary>
    public static List<string> SaveAll(string directory, params (GenericChart Chart, string Name)[] charts)
    {
        ArgumentNullException.ThrowIfNull(charts);
        return charts.SelectMany(c => Save(c.Chart, directory, c.Name)).ToList();
    }
}
