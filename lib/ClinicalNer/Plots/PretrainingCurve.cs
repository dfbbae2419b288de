using ClinicalNer.Training;

namespace ClinicalNer.Plots;

/// <summary>The learning curve of a BERT pretraining run: loss, and MLM and NSP accuracy (%), against the step.</summary>
public static class PretrainingCurve
{
    /// <summary>Two panels from the run's logs (those of earlier invocations included when it was resumed).</summary>
    /// <exception cref="ArgumentException">When there are no logs.</exception>
    public static Figure Of(IReadOnlyList<PretrainingLog> logs, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (logs.Count == 0) throw new ArgumentException("no pretraining logs to plot (the run logged nothing yet: see --log-every)", nameof(logs));
        var steps = logs.Select(l => (double)l.Step).ToList();
        return new Figure(title ?? "BERT pretraining", 960, 400)
            .Subplots(1, 2, ["loss (MLM + NSP)", "accuracy (%)"])
            .Line(steps, logs.Select(l => l.Loss), "loss", mode: "lines")
            .Line(steps, logs.Select(l => l.MlmAccuracy * 100), "MLM accuracy", mode: "lines", col: 2)
            .Line(steps, logs.Select(l => l.NspAccuracy * 100), "NSP accuracy", mode: "lines", col: 2)
            .XAxis("step").XAxis("step", col: 2).YAxis("loss").YAxis("%", col: 2, range: [0, 100]);
    }
}
