using ClinicalNer.Training;
using Plotly.NET;
using Reporting;

namespace ClinicalNer.Display;

/// <summary>The learning curve of a BERT pretraining run: loss, and MLM and NSP accuracy (%), against the step.</summary>
public static class PretrainingCurve
{
    /// <summary>Two panels from the run's logs (those of earlier invocations included when it was resumed).</summary>
    /// <exception cref="ArgumentException">When there are no logs.</exception>
    public static GenericChart Of(IReadOnlyList<PretrainingLog> logs, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (logs.Count == 0) throw new ArgumentException("no pretraining logs to plot (the run logged nothing yet: see --log-every)", nameof(logs));
        var steps = logs.Select(l => (double)l.Step).ToList();
        var loss = Charts.Lines(steps, [new Series("loss", logs.Select(l => l.Loss).ToList())], markers: false);
        var accuracy = Charts.Lines(steps, [new Series("MLM accuracy", logs.Select(l => l.MlmAccuracy * 100).ToList()),
            new Series("NSP accuracy", logs.Select(l => l.NspAccuracy * 100).ToList())], markers: false);
        return Charts.Grid([loss, accuracy], 1, 2, ["loss (MLM + NSP)", "accuracy (%)"], title ?? "BERT pretraining")
            .WithAxisTitles("step", "loss").WithAxisTitles("step", "%", subplot: 2).WithPixelSize(960, 400);
    }
}

/// <summary>The learning curve of a character BiLM: the dev perplexity of each direction after each epoch.</summary>
public static class LanguageModelCurve
{
    private static readonly string[] Directions = ["forward", "backward"];

    /// <summary>One line per direction from the epoch-end logs (null when there are none: a BiLM read from disk).</summary>
    public static GenericChart? Of(IReadOnlyList<CharLanguageModelLog> logs, string title)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var ends = logs.Where(l => l.DevPerplexity is not null).ToList();
        if (ends.Count == 0) return null;
        var epochs = ends.Where(l => l.Direction == "forward").Select(l => (double)l.Epoch).ToList();
        var series = Directions.Select(d => new Series(d, ends.Where(l => l.Direction == d).Select(l => l.DevPerplexity!.Value).ToList()));
        return Charts.Lines(epochs, series, title, "epoch", "dev perplexity");
    }
}
