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
