using ClinicalNer.Data;
using System.Globalization;
using System.Text;

namespace ClinicalNer.Evaluation;

/// <summary>Precision, recall and F1 of one entity type (or of all, micro-averaged), with counts.</summary>
/// <param name="Type">The entity type, or "micro".</param>
/// <param name="Gold">Gold entities (the support).</param>
/// <param name="Predicted">Predicted entities.</param>
/// <param name="Correct">Predicted entities that match a gold one.</param>
public sealed record Score(string Type, int Gold, int Predicted, int Correct)
{
    /// <summary>Correct / predicted (0 when nothing was predicted).</summary>
    public double Precision => Predicted == 0 ? 0 : (double)Correct / Predicted;
    /// <summary>Correct / gold (0 when there is no gold entity).</summary>
    public double Recall => Gold == 0 ? 0 : (double)Correct / Gold;
    /// <summary>Harmonic mean of precision and recall (0 when both are 0).</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
    /// <summary>The support: gold entities of this type.</summary>
    public int Support => Gold;
}

/// <summary>An evaluation: micro scores, per-type scores (sorted by type) and their macro-F1.</summary>
/// <param name="Micro">Pooled over all types.</param>
/// <param name="PerType">One score per type seen in gold or predictions.</param>
public sealed record NerReport(Score Micro, IReadOnlyList<Score> PerType)
{
    /// <summary>Unweighted mean of the per-type F1 scores.</summary>
    public double MacroF1 => PerType.Count == 0 ? 0 : PerType.Average(s => s.F1);

    /// <summary>The score of one type (zeros when the type never occurred).</summary>
    public Score this[string type] => PerType.FirstOrDefault(s => s.Type == type) ?? new Score(type, 0, 0, 0);

    /// <summary>Reference F1 scores (percent) by type, e.g. a paper's, shown beside ours in tables.</summary>
    public IReadOnlyDictionary<string, double>? Reference { get; init; }

    /// <summary>
    /// The per-type table as text, in percentages with 2 decimals: one row per type, then "micro", then "macro" (its F1
    /// only), and the "paper" column when <see cref="Reference"/> is set (the display layer has it as a DataFrame).
    /// </summary>
    public override string ToString()
    {
        static string P(double fraction) => (fraction * 100).ToString("F2", CultureInfo.InvariantCulture);
        string Paper(string type) => Reference is null ? "" : Reference.TryGetValue(type, out double p) ? $" {p.ToString("F2", CultureInfo.InvariantCulture),8}" : $" {"",8}";
        int width = Math.Max(5, PerType.Select(s => s.Type.Length).DefaultIfEmpty(0).Max());
        var text = new StringBuilder();
        text.Append("type".PadRight(width)).Append("        P        R       F1  support").Append(Reference is null ? "" : "    paper").Append('\n');
        foreach (var s in PerType.Append(Micro))
            text.Append(s.Type.PadRight(width)).Append(CultureInfo.InvariantCulture, $" {P(s.Precision),8} {P(s.Recall),8} {P(s.F1),8} {s.Support,8}").Append(Paper(s.Type)).Append('\n');
        text.Append("macro".PadRight(width)).Append(CultureInfo.InvariantCulture, $" {"",8} {"",8} {P(MacroF1),8} {"",8}").Append(Paper("macro")).Append('\n');
        return text.ToString();
    }

}

/// <summary>How predictions went wrong (each gold and each prediction counted once).</summary>
/// <param name="Correct">Exact span and type.</param>
/// <param name="TypeErrors">Exact span, wrong type.</param>
/// <param name="BoundaryErrors">Overlaps a gold entity of the same type with other boundaries.</param>
/// <param name="BoundaryAndTypeErrors">Overlaps a gold entity of another type with other boundaries.</param>
/// <param name="Spurious">Predictions that overlap no gold entity.</param>
/// <param name="Missed">Gold entities that no prediction overlaps.</param>
public sealed record ErrorBreakdown(int Correct, int TypeErrors, int BoundaryErrors, int BoundaryAndTypeErrors, int Spurious, int Missed);

/// <summary>
/// Evaluation as pure functions over gold and predicted spans per sentence. The score the papers and
/// notebooks compare is <see cref="Strict"/>: exact start, end and type, micro-averaged.
/// </summary>
public static class NerMetrics
{
    /// <summary>Strict typed exact-span scores.</summary>
    /// <exception cref="ArgumentException">When the two lists do not have the same number of sentences.</exception>
    public static NerReport Strict(IReadOnlyList<IReadOnlyList<EntitySpan>> gold, IReadOnlyList<IReadOnlyList<EntitySpan>> predicted) =>
        Score(gold, predicted, s => s);

    /// <summary>
    /// Position-only (type-agnostic) exact-span scores, the score K-BERT's own script reports: a
    /// prediction counts when its start and end match a gold entity, whatever the types.
    /// </summary>
    public static NerReport PositionOnly(IReadOnlyList<IReadOnlyList<EntitySpan>> gold, IReadOnlyList<IReadOnlyList<EntitySpan>> predicted) =>
        Score(gold, predicted, s => s with { Type = "ANY" });

    private static NerReport Score(IReadOnlyList<IReadOnlyList<EntitySpan>> gold, IReadOnlyList<IReadOnlyList<EntitySpan>> predicted, Func<EntitySpan, EntitySpan> key)
    {
        CheckAligned(gold, predicted);
        var g = new Dictionary<string, int>(StringComparer.Ordinal);
        var p = new Dictionary<string, int>(StringComparer.Ordinal);
        var c = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < gold.Count; i++)
        {
            var goldSet = gold[i].Select(key).ToHashSet();
            foreach (EntitySpan s in goldSet) Bump(g, s.Type);
            foreach (EntitySpan s in predicted[i].Select(key).Distinct())
            {
                Bump(p, s.Type);
                if (goldSet.Contains(s)) Bump(c, s.Type);
            }
        }
        var perType = g.Keys.Union(p.Keys).Order(StringComparer.Ordinal)
            .Select(t => new Score(t, g.GetValueOrDefault(t), p.GetValueOrDefault(t), c.GetValueOrDefault(t))).ToList();
        return new NerReport(new Score("micro", perType.Sum(s => s.Gold), perType.Sum(s => s.Predicted), perType.Sum(s => s.Correct)), perType);
    }

    /// <summary>Classifies every prediction and every missed gold entity.</summary>
    public static ErrorBreakdown Errors(IReadOnlyList<IReadOnlyList<EntitySpan>> gold, IReadOnlyList<IReadOnlyList<EntitySpan>> predicted)
    {
        CheckAligned(gold, predicted);
        int correct = 0, type = 0, boundary = 0, both = 0, spurious = 0, missed = 0;
        for (int i = 0; i < gold.Count; i++)
        {
            var golds = gold[i].Distinct().ToList();
            var preds = predicted[i].Distinct().ToList();
            foreach (EntitySpan pr in preds)
            {
                if (golds.Contains(pr)) correct++;
                else if (golds.Any(g => g.Start == pr.Start && g.End == pr.End)) type++;
                else if (golds.Any(g => Overlaps(g, pr) && g.Type == pr.Type)) boundary++;
                else if (golds.Any(g => Overlaps(g, pr))) both++;
                else spurious++;
            }
            missed += golds.Count(g => !preds.Any(pr => Overlaps(g, pr)));
        }
        return new ErrorBreakdown(correct, type, boundary, both, spurious, missed);
    }

    private static bool Overlaps(EntitySpan a, EntitySpan b) => a.Start < b.End && b.Start < a.End;

    private static void Bump(Dictionary<string, int> d, string key) => d[key] = d.GetValueOrDefault(key) + 1;

    private static void CheckAligned(IReadOnlyList<IReadOnlyList<EntitySpan>> gold, IReadOnlyList<IReadOnlyList<EntitySpan>> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count) throw new ArgumentException($"{gold.Count} gold sentences but {predicted.Count} predicted ones");
    }
}
