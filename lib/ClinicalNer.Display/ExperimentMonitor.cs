using System.Globalization;
using ClinicalNer.Runs;
using ClinicalNer.Training;
using Reporting;

namespace ClinicalNer.Display;

/// <summary>
/// Live progress of every run of an experiment on one line replaced in place (at most twice a second): which
/// configuration and seed, whether it is reused or trained, and while it trains its epoch, step, loss, dev F1, speed and
/// the run's ETA. In a notebook it updates in place; elsewhere lines are printed.
/// </summary>
public sealed class ExperimentMonitor
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(0.5);
    private readonly ILiveHandle line;
    private readonly System.Diagnostics.Stopwatch runClock = new();
    private TimeSpan lastShown = -Interval;
    private long steps;

    private ExperimentMonitor(ILiveHandle line) => this.line = line;

    /// <summary>Shows <paramref name="experiment"/>'s runs on <paramref name="line"/> (a new live line when null).</summary>
    public static ExperimentMonitor Attach(Experiment experiment, ILiveHandle? line = null)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var monitor = new ExperimentMonitor(line ?? Live.Show(new ProgressLine($"{experiment.Name}: starting...")));
        experiment.Starting += monitor.OnStarting;
        experiment.Progress += monitor.OnProgress;
        return monitor;
    }

    /// <summary>The last line shown.</summary>
    public string LastLine { get; private set; } = "";

    private void OnStarting(Configuration configuration, int seed, bool reused)
    {
        steps = 0;
        runClock.Restart();
        Show($"{configuration.Name}, seed {seed}: {(reused ? "finished before with the same key, reused" : "training")}", force: true);
    }

    private void OnProgress(Configuration configuration, int seed, TrainingEvent e)
    {
        string run = $"{configuration.Name}, seed {seed}";
        if (e.IsEpochEnd)
        {
            Show(string.Create(CultureInfo.InvariantCulture,
                $"{run}: epoch {e.Epoch}/{e.Epochs} done in {e.Seconds:F1}s, loss {e.Loss:F4}, dev F1 {e.Dev!.Micro.F1 * 100:F2}{(e.IsBest ? " (best)" : "")}"), force: true);
            return;
        }
        steps++;
        long left = Math.Max(0, (long)e.EpochSteps * e.Epochs - e.Step);
        double eta = steps == 0 ? 0 : runClock.Elapsed.TotalSeconds / steps * left;
        Show(string.Create(CultureInfo.InvariantCulture,
            $"{run}: epoch {e.Epoch}/{e.Epochs}, step {e.StepsInEpoch}/{e.EpochSteps}, loss {e.Loss:F4}, {e.CharsPerSecond:N0} chars/s, ETA {LiveView.Duration(eta)}"), force: false);
    }

    private void Show(string text, bool force)
    {
        if (!force && runClock.Elapsed - lastShown < Interval) return;
        lastShown = runClock.Elapsed;
        LastLine = text;
        line.Update(new ProgressLine(text));
    }
}
