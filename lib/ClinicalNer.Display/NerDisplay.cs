using ClinicalNer.Evaluation;
using ClinicalNer.Training;
using Reporting;

namespace ClinicalNer.Display;

/// <summary>
/// How the NER library's result records display in notebooks and consoles: a per-type report as its table, a training
/// result as its summary line and epochs. The notebook host calls <see cref="Register"/> in <c>Lab.Start()</c>; a console
/// program calls it to print results as tables.
/// </summary>
public static class NerDisplay
{
    private static int registered;

    /// <summary>Registers the display adapters (once per process).</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1) return;
        DisplayAdapters.Register<NerReport>(r => new TableDisplay(r.ToTable(), null));
        DisplayAdapters.Register<TrainingResult>(r => new TableDisplay(r.HistoryTable(), r.Summary));
    }

    // A table with an optional line above it.
    private sealed record TableDisplay(Microsoft.Data.Analysis.DataFrame Table, string? Line) : IDisplayReport
    {
        public string ToHtml() => (Line is null ? "" : $"<p>{System.Net.WebUtility.HtmlEncode(Line)}</p>") + Table.ToHtml();

        public string ToText() => (Line is null ? "" : Line + "\n") + Table.ToText();
    }
}
