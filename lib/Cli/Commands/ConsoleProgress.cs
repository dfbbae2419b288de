using ClinicalNer.Models;
using ClinicalNer.Training;

namespace Cli.Commands;

/// <summary>A one-line progress bar with loss and speed, redrawn in place; a summary line per epoch.</summary>
internal sealed class ConsoleProgress
{
    private readonly bool interactive = !Console.IsOutputRedirected;
    private DateTime lastDraw = DateTime.MinValue;

    public void Show(TrainingEvent e)
    {
        if (e.IsEpochEnd)
        {
            if (interactive) Console.Write("\r" + new string(' ', 100) + "\r");
            Console.WriteLine($"epoch {e.Epoch,3}  loss {e.Loss,9:F4}  dev P/R/F1 {e.Dev!.Micro.Precision * 100:F2}/{e.Dev.Micro.Recall * 100:F2}/{e.Dev.Micro.F1 * 100:F2}" +
                $"  {e.CharsPerSecond,8:N0} chars/s  {e.Seconds,6:F1}s{(e.IsBest ? "  *best" : "")}");
            return;
        }
        if (!interactive || (DateTime.UtcNow - lastDraw).TotalMilliseconds < 200) return;
        lastDraw = DateTime.UtcNow;
        int width = 30, filled = (int)(width * (double)e.StepsInEpoch / Math.Max(1, e.EpochSteps));
        Console.Write($"\repoch {e.Epoch,3} [{new string('#', filled)}{new string('.', width - filled)}] {e.StepsInEpoch}/{e.EpochSteps}  loss {e.Loss,9:F4}  lr {e.LearningRate:E2}  {e.CharsPerSecond:N0} chars/s ");
    }
}
