using System.Globalization;
using ClinicalNer.Training;
using Reporting;

namespace ClinicalNer.Display;

/// <summary>
/// Live view of a BERT pretraining run (<see cref="Live"/>): a progress line (step, loss, MLM and NSP accuracy, tokens/s,
/// ETA; at most twice a second) and the loss / accuracy curve (<see cref="PretrainingCurve"/>, the paper's Figure 3)
/// replaced at every log. In a notebook both update in place; elsewhere they are printed.
/// </summary>
public sealed class PretrainingMonitor
{
    private readonly string name;
    private readonly long totalSteps;
    private readonly LiveView view;
    private readonly List<PretrainingLog> logs = [];
    private long firstStep = -1;
    private PretrainingLog? last;

    private PretrainingMonitor(string name, long totalSteps)
    {
        this.name = name;
        this.totalSteps = totalSteps;
        view = new LiveView($"{name}: starting...");
    }

    /// <summary>Shows the progress of <paramref name="pretrainer"/>'s runs under <paramref name="name"/>; <paramref name="totalSteps"/> is its schedule's length.</summary>
    public static PretrainingMonitor Attach(BertPretrainer pretrainer, string name, long totalSteps)
    {
        ArgumentNullException.ThrowIfNull(pretrainer);
        var monitor = new PretrainingMonitor(name, totalSteps);
        pretrainer.Stepped += monitor.OnStep;
        pretrainer.Logged += monitor.OnLog;
        return monitor;
    }

    /// <summary>The last progress line shown.</summary>
    public string LastLine => view.LastLine;

    /// <summary>Shows the curve of <paramref name="allLogs"/> (a resumed run's earlier part included) and a final line.</summary>
    public void Finish(IReadOnlyList<PretrainingLog> allLogs, string message)
    {
        ArgumentNullException.ThrowIfNull(allLogs);
        if (allLogs.Count > 0) ShowCurve(allLogs);
        view.Line(message);
    }

    private void OnStep(long step)
    {
        if (firstStep < 0) firstStep = step - 1;
        if (!view.Due) return;
        long done = step - firstStep;
        double eta = done <= 0 ? 0 : view.Seconds / done * Math.Max(0, totalSteps - step);
        string scores = last is null ? "" : string.Create(CultureInfo.InvariantCulture,
            $", loss {last.Loss:F3}, MLM {last.MlmAccuracy * 100:F1}%, NSP {last.NspAccuracy * 100:F1}%, {last.TokensPerSecond:N0} tokens/s");
        view.Line($"{name}: step {step:N0}/{totalSteps:N0}{scores}, ETA {LiveView.Duration(eta)}");
    }

    private void OnLog(PretrainingLog log)
    {
        last = log;
        logs.Add(log);
        ShowCurve(logs);
    }

    private void ShowCurve(IReadOnlyList<PretrainingLog> points) => view.Chart(PretrainingCurve.Of(points, $"{name}: pretraining"));
}
