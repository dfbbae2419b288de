using System.Diagnostics;
using Reporting;

namespace ClinicalNer.Display;

/// <summary>
/// What the training and pretraining monitors share: a progress line replaced in place (at most twice a second unless
/// forced) and a chart shown on first use and replaced after, through <see cref="Live"/>.
/// </summary>
internal sealed class LiveView
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(0.5);
    private readonly ILiveHandle progress;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private TimeSpan lastShown = -Interval;
    private ILiveHandle? chart;

    /// <summary>Shows <paramref name="firstLine"/> as the progress line.</summary>
    public LiveView(string firstLine) => progress = Live.Show(new ProgressLine(firstLine));

    /// <summary>Seconds since the view was made.</summary>
    public double Seconds => clock.Elapsed.TotalSeconds;

    /// <summary>Whether a throttled line may be shown now.</summary>
    public bool Due => clock.Elapsed - lastShown >= Interval;

    /// <summary>The last line shown.</summary>
    public string LastLine { get; private set; } = "";

    /// <summary>Replaces the progress line.</summary>
    public void Line(string line)
    {
        LastLine = line;
        lastShown = clock.Elapsed;
        progress.Update(new ProgressLine(line));
    }

    /// <summary>Shows the chart, or replaces the one shown.</summary>
    public void Chart(Plotly.NET.GenericChart figure)
    {
        if (chart is null) chart = Live.Show(figure);
        else chart.Update(figure);
    }

    /// <summary>Seconds as "1h05m", "3m20s" or "42s".</summary>
    public static string Duration(double seconds) =>
        seconds >= 3600 ? $"{(int)(seconds / 3600)}h{(int)(seconds % 3600 / 60):D2}m" : seconds >= 60 ? $"{(int)(seconds / 60)}m{(int)(seconds % 60):D2}s" : $"{seconds:F0}s";
}
