using ClinicalNer.Plots;

namespace NotebookHost.Export;

/// <summary>Writes a figure to a report folder as HTML, PNG and/or SVG: <c>FigureFiles.Save(fig, exportDir, "f1-by-type")</c>.</summary>
public static class FigureFiles
{
    private static readonly string[] AllFormats = ["html", "png", "svg"];

    /// <summary>Writes <c>name.html</c>, <c>name.png</c>, <c>name.svg</c> (or the formats asked for) and returns their paths.</summary>
    public static IReadOnlyList<string> Save(Figure figure, string directory, string name, params string[] formats)
    {
        ArgumentNullException.ThrowIfNull(figure);
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (string format in formats.Length == 0 ? AllFormats : formats)
        {
            string path = Path.Combine(directory, $"{name}.{format.ToLowerInvariant()}");
            if (format.Equals("html", StringComparison.OrdinalIgnoreCase)) figure.SaveHtml(path);
            else FigureExport.Save(figure.ToJson(), PlotlyJs.ScriptPath ?? throw new FileNotFoundException("plotly.js is not installed: run ./lab setup"),
                path, figure.Width, figure.Height);
            written.Add(path);
        }
        return written;
    }
}
