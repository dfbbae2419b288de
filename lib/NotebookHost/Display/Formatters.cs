using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;
using Reporting;

namespace NotebookHost.Display;

/// <summary>
/// .NET Interactive formatters for what the libraries return: Plotly.NET charts (<c>application/vnd.plotly.v1+json</c>,
/// drawn offline by VS Code's and JupyterLab's plotly renderers, plus HTML that uses the page's plotly.js), DataFrames,
/// anything that renders itself (<see cref="IDisplayReport"/>: entity views, progress lines) and every type with a display
/// adapter (<see cref="DisplayAdapters"/>: per-type reports, training runs). No NER type is named here.
/// </summary>
public static class Formatters
{
    /// <summary>The MIME type of a plotly figure.</summary>
    public const string PlotlyMime = "application/vnd.plotly.v1+json";

    private static int registered;

    /// <summary>Registers every formatter (once per process).</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1) return;

        Formatter.Register<GenericChart>(c => c.ToFigureJson().ToJsonString(), PlotlyMime);
        Formatter.Register<GenericChart>(ChartHtml.Fragment, HtmlFormatter.MimeType);
        Formatter.Register<GenericChart>(ChartText, PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(GenericChart), PlotlyMime, HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

        Formatter.Register<DataFrame>(f => f.ToHtml(), HtmlFormatter.MimeType);
        Formatter.Register<DataFrame>(f => f.ToText(), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(DataFrame), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

        // Values also carry text/plain beside the kernel's HTML, so headless runs, diffs and CI logs can read them.
        Formatter.SetPreferredMimeTypesFor(typeof(object), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

        // Lab.Start()'s output also carries plotly.js, once, for front ends that render HTML rather than the plotly MIME type.
        Formatter.Register<LabInfo>(i => ChartHtml.ScriptTag() + $"<pre style=\"margin:0\">{System.Net.WebUtility.HtmlEncode(i.ToString())}</pre>", HtmlFormatter.MimeType);
        Formatter.Register<LabInfo>(i => i.ToString(), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(LabInfo), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

        Formatter.Register<IDisplayReport>(r => r.ToHtml(), HtmlFormatter.MimeType);
        Formatter.Register<IDisplayReport>(r => r.ToText(), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(IDisplayReport), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

        // Types displayed through an adapter (the NER library's results, adapted by the layer above it), now and later.
        DisplayAdapters.Registered += RegisterAdapted;
        foreach (var type in DisplayAdapters.Types) RegisterAdapted(type);
    }

    private static void RegisterAdapted(Type type)
    {
        Formatter.Register(type, (value, context) => Write(context, DisplayAdapters.For(value)?.ToHtml()), HtmlFormatter.MimeType);
        Formatter.Register(type, (value, context) => Write(context, DisplayAdapters.Text(value)), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(type, HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
    }

    private static bool Write(FormatContext context, string? text)
    {
        if (text is null) return false;
        context.Writer.Write(text);
        return true;
    }

    // "Title (N traces)", from one serialisation of the figure.
    private static string ChartText(GenericChart chart)
    {
        var figure = chart.ToFigureJson();
        return $"{ChartStyle.TitleText(figure) ?? "figure"} ({figure["data"]!.AsArray().Count} traces)";
    }

    /// <summary>The bundle a value is displayed with (MIME type → text), as the kernel sends it.</summary>
    public static IReadOnlyDictionary<string, string> Bundle(object value) =>
        FormattedValue.CreateManyFromObject(value).ToDictionary(f => f.MimeType, f => f.Value);
}
