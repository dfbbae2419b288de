using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Plotly.NET;

namespace Reporting;

/// <summary>
/// Charts as HTML that draws offline: plotly.js comes from the copy embedded in the Plotly.NET assembly (never a
/// CDN, never a download). A standalone page carries the script; a notebook output relies on the page's
/// <c>window.Plotly</c>, which <see cref="ScriptTag"/> provides once per notebook (plotly.js is 3.5 MB).
/// </summary>
public static class ChartHtml
{
    private static readonly Lazy<string> Script = new(ReadEmbeddedPlotly);

    /// <summary>The plotly.js version shipped inside Plotly.NET.</summary>
    public static string PlotlyVersion => PlotlyResource().Version;

    /// <summary>plotly.js source.</summary>
    public static string PlotlySource() => Script.Value;

    /// <summary>
    /// A script element that defines <c>window.Plotly</c> even where require.js is on the page (as in Jupyter front
    /// ends, where plotly.js would otherwise register itself as an AMD module and leave <c>window.Plotly</c> unset).
    /// </summary>
    public static string ScriptTag() =>
        "<script type=\"text/javascript\">(function(){var d=window.define;window.define=undefined;try{\n" + Script.Value + "\n}finally{window.define=d;}})();</script>";

    /// <summary>A div and a script that draw the chart with the page's plotly.js (or say that it is missing).</summary>
    public static string Fragment(GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var figure = chart.ToFigureJson();
        var (width, height) = ChartStyle.PixelSize(figure);
        return Fragment(figure, width, height);
    }

    /// <summary>A div and a script that draw a plotly figure (<c>{data, layout, config}</c>) with the page's plotly.js.</summary>
    public static string Fragment(JsonObject figure, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(figure);
        string id = "fig-" + Guid.NewGuid().ToString("N")[..12];
        string json = figure.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default });
        return $"<div id=\"{id}\" style=\"width:{width}px;height:{height}px\"></div>\n" +
               $"<script type=\"text/javascript\">(function(){{var f={json};var el=document.getElementById('{id}');" +
               "if(window.Plotly){Plotly.newPlot(el,f.data,f.layout,f.config);}" +
               "else{el.style.height='auto';el.textContent='plotly.js is not on this page: run the notebook\\'s first cell (it loads plotly.js), or export the figure';}})();</script>";
    }

    /// <summary>A standalone page with plotly.js inline.</summary>
    public static string Page(GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var figure = chart.ToFigureJson();
        var (width, height) = ChartStyle.PixelSize(figure);
        return Page(figure, width, height);
    }

    /// <summary>A standalone page with plotly.js inline that draws a plotly figure (<c>{data, layout, config}</c>).</summary>
    public static string Page(JsonObject figure, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(figure);
        string title = WebUtility.HtmlEncode(ChartStyle.TitleText(figure) ?? "figure");
        return $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title><style>body{{margin:0;background:#fff}}</style></head><body>\n" +
               $"{ScriptTag()}\n{Fragment(figure, width, height)}\n</body></html>\n";
    }

    /// <summary>Writes <see cref="Page(GenericChart)"/> to a file.</summary>
    public static void SaveHtml(this GenericChart chart, string path) => File.WriteAllText(path, Page(chart));

    private static (string Name, string Version) PlotlyResource()
    {
        // Plotly.NET embeds "Plotly.NET.plotly-<version>.min.js" for its PlotlyJSReference.Full option.
        var assembly = typeof(GenericChart).Assembly;
        string name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} {assembly.GetName().Version} carries no plotly.js resource");
        return (name, name["Plotly.NET.plotly-".Length..^".min.js".Length]);
    }

    private static string ReadEmbeddedPlotly()
    {
        using var stream = typeof(GenericChart).Assembly.GetManifestResourceStream(PlotlyResource().Name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
