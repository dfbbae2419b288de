using System.Globalization;
using System.Text;

namespace ClinicalNer.Evaluation;

/// <summary>A per-type P/R/F1 table as plain text (percentages), optionally with a reference F1 column.</summary>
public static class ReportTable
{
    /// <summary>Formats the per-type rows, the micro row and macro-F1.</summary>
    /// <param name="report">The scores.</param>
    /// <param name="paper">Optional reference F1 (percent) by type, e.g. a paper's numbers, shown beside ours.</param>
    public static string Format(NerReport report, IReadOnlyDictionary<string, double>? paper = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"{"type",-12} {"P",7} {"R",7} {"F1",7} {"support",8}");
        if (paper is not null) sb.Append(inv, $" {"paper F1",9}");
        sb.Append('\n');
        foreach (Score s in report.PerType.Append(report.Micro))
        {
            sb.Append(inv, $"{s.Type,-12} {s.Precision * 100,7:F2} {s.Recall * 100,7:F2} {s.F1 * 100,7:F2} {s.Support,8}");
            if (paper is not null) sb.Append(inv, $" {(paper.TryGetValue(s.Type, out double p) ? p.ToString("F2", inv) : "-"),9}");
            sb.Append('\n');
        }
        sb.Append(inv, $"{"macro-F1",-12} {"",7} {"",7} {report.MacroF1 * 100,7:F2}\n");
        return sb.ToString();
    }
}
