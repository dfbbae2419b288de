using System.Net;
using ClinicalNer.Evaluation;
using ClinicalNer.Plots;
using ClinicalNer.Models;
using ClinicalNer.Training;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;

namespace NotebookHost.Display;

/// <summary>
/// .NET Interactive formatters for what the library returns: Plotly.NET charts (<c>application/vnd.plotly.v1+json</c>,
/// drawn offline by VS Code's and JupyterLab's plotly renderers, plus HTML that uses the page's plotly.js), DataFrames,
/// per-type reports, entity views, training run summaries and progress lines.
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
        Formatter.Register<GenericChart>(c => $"{c.TitleText() ?? "figure"} ({c.ToFigureJson()["data"]!.AsArray().Count} traces)", PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(GenericChart), PlotlyMime, HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

        Formatter.Register<DataFrame>(f => f.ToHtml(), HtmlFormatter.MimeType);
        Formatter.Register<DataFrame>(f => f.ToText(), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(DataFrame), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

        Formatter.Register<NerReport>(r => r.ToTable().ToHtml(), HtmlFormatter.MimeType);
        Formatter.Register<NerReport>(r => r.ToTable().ToText(), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(NerReport), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

        Formatter.Register<EntityView>(v => v.ToHtml(), HtmlFormatter.MimeType);
        Formatter.Register<EntityView>(v => v.ToText(), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(EntityView), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

        Formatter.Register<TrainingResult>(r => $"<p>{WebUtility.HtmlEncode(Summary(r))}</p>" + DataFrames.FromRecords(r.History).ToHtml(), HtmlFormatter.MimeType);
        Formatter.Register<TrainingResult>(r => Summary(r) + "\n" + DataFrames.FromRecords(r.History).ToText(), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(TrainingResult), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

        Formatter.Register<ProgressLine>(p => $"<pre style=\"margin:0\">{WebUtility.HtmlEncode(p.Text)}</pre>", HtmlFormatter.MimeType);
        Formatter.Register<TrainingResult>(r => $"<p>{WebUtility.HtmlEncode(Summary(r))}</p>" + DataFrames.FromRecords(r.History).ToHtml(), HtmlFormatter.MimeType);
        Formatter.Register<TrainingResult>(r => Summary(r) + "\n" + DataFrames.FromRecords(r.History).ToText(), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(TrainingResult), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

        Formatter.Register<ProgressLine>(p => p.Text, PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(ProgressLine), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
    }

    /// <summary>One line about a finished run: best dev F1, its epoch, epochs run, early stop, checkpoint.</summary>
    public static string Summary(TrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"best dev F1 {result.BestDevF1 * 100:F2} at epoch {result.BestEpoch} of {result.History.Count}{(result.StoppedEarly ? " (stopped early)" : "")}" +
            $", {result.History.Sum(h => h.Seconds):F1}s{(result.BestCheckpoint is null ? "" : $", best weights in {result.BestCheckpoint}")}");
    }

    /// <summary>The bundle a value is displayed with (MIME type → text), as the kernel sends it.</summary>
    public static IReadOnlyDictionary<string, string> Bundle(object value) =>
        FormattedValue.CreateManyFromObject(value).ToDictionary(f => f.MimeType, f => f.Value);
}

/// <summary>One line of progress text (shown as preformatted HTML and as plain text).</summary>
/// <param name="Text">The line.</param>
public sealed record ProgressLine(string Text)
{
    /// <inheritdoc/>
    public override string ToString() => Text;
}
