using System.Globalization;
using ClinicalNer.Training;
using Reporting;

namespace ClinicalNer.Display;

/// <summary>
/// Live view of a training run (<see cref="Live"/>): one progress line replaced in place (epoch, step, loss, chars/s,
/// ETA; at most twice a second) and, from the first epoch on, a loss / dev-F1 curve replaced after every epoch. In a
/// notebook both update in place (headless runs keep their last state); elsewhere they are printed.
/// </summary>
public sealed class TrainingMonitor
{
    private readonly string name;
    private readonly int epochs;
    private readonly LiveView view;
    private readonly List<(int Epoch, double Loss, double DevF1)> history = [];
    private long steps;

    private TrainingMonitor(string name, int epochs)
    {
        this.name = name;
        this.epochs = epochs;
        view = new LiveView($"{name}: starting...");
    }

    /// <summary>Shows the progress of <paramref name="trainer"/>'s next runs under <paramref name="name"/>.</summary>
    public static TrainingMonitor Attach(Trainer trainer, string name)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var monitor = new TrainingMonitor(name, trainer.Options.Epochs);
        trainer.Progress += monitor.OnProgress;
        return monitor;
    }

    /// <summary>The last progress line shown.</summary>
    public string LastLine => view.LastLine;

    /// <summary>Replaces the progress line with a final message (e.g. the test score).</summary>
    public void Finish(string message) => view.Line(message);

    private void OnProgress(TrainingEvent e)
    {
        if (!e.IsEpochEnd)
        {
            steps++;
            if (!view.Due) return;
            long total = (long)e.EpochSteps * epochs;
            long left = Math.Max(0, total - e.Step);
            double eta = steps == 0 ? 0 : view.Seconds / steps * left;
            view.Line(string.Create(CultureInfo.InvariantCulture,
                $"{name}: epoch {e.Epoch}/{epochs}, step {e.StepsInEpoch}/{e.EpochSteps}, loss {e.Loss:F4}, {e.CharsPerSecond:N0} chars/s, ETA {LiveView.Duration(eta)}"));
            return;
        }
        history.Add((e.Epoch, e.Loss, e.Dev!.Micro.F1 * 100));
        view.Line(string.Create(CultureInfo.InvariantCulture,
            $"{name}: epoch {e.Epoch}/{epochs} done in {e.Seconds:F1}s, loss {e.Loss:F4}, dev F1 {e.Dev.Micro.F1 * 100:F2}{(e.IsBest ? " (best)" : "")}, {e.CharsPerSecond:N0} chars/s"));
        var x = history.Select(h => (double)h.Epoch).ToList();
        var chart = Charts.Grid(
            [Charts.Lines(x, [new Series("train loss", history.Select(h => h.Loss).ToList())]),
             Charts.Lines(x, [new Series("dev F1", history.Select(h => h.DevF1).ToList())])],
            1, 2, ["train loss", "dev F1 (%)"], $"{name}: training").WithAxisTitles("epoch", null).WithAxisTitles("epoch", null, subplot: 2)
            .WithLegendShown(false).WithPixelSize(760, 320);
        view.Chart(chart);
    }
}
