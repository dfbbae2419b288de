using ClinicalNer.Data;

namespace ClinicalNer.Evaluation;

/// <summary>Precision, recall and F1 of one entity type (or of all, micro-averaged), with counts.</summary>
public sealed record Score(string Type, int Gold, int Predicted, int Correct)
{
    /// <summary>Correct / predicted (0 when nothing was predicted).</summary>
    public double Precision => Predicted == 0 ? 0 : (double)Correct / Predicted;
    /// <summary>Correct / gold (0 when there is no gold entity).</summary>
    public double Recall => Gold == 0 ? 0 : (double)Correct / Gold;
    /// <summary>Harmonic mean of precision and recall (0 when both are 0).</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}

/// <summary>Strict evaluation: a prediction counts only with exactly the gold start, end and type.</summary>
public static class SpanMetrics
{
    /// <summary>Micro-averaged score over all sentences plus one score per type (sorted by type).</summary>
    /// <param name="gold">Gold spans per sentence.</param>
    /// <param name="predicted">Predicted spans per sentence, aligned with <paramref name="gold"/>.</param>
    public static (Score Micro, IReadOnlyList<Score> PerType) Strict(IReadOnlyList<IReadOnlyList<EntitySpan>> gold, IReadOnlyList<IReadOnlyList<EntitySpan>> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count) throw new ArgumentException($"{gold.Count} gold sentences but {predicted.Count} predicted ones");
        var g = new Dictionary<string, int>(StringComparer.Ordinal);
        var p = new Dictionary<string, int>(StringComparer.Ordinal);
        var c = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < gold.Count; i++)
        {
            var goldSet = gold[i].ToHashSet();
            foreach (var s in gold[i]) Bump(g, s.Type);
            foreach (var s in predicted[i].Distinct())
            {
                Bump(p, s.Type);
                if (goldSet.Contains(s)) Bump(c, s.Type);
            }
        }
        var types = g.Keys.Union(p.Keys).OrderBy(t => t, StringComparer.Ordinal);
        var perType = types.Select(t => new Score(t, g.GetValueOrDefault(t), p.GetValueOrDefault(t), c.GetValueOrDefault(t))).ToList();
        var micro = new Score("micro", perType.Sum(s => s.Gold), perType.Sum(s => s.Predicted), perType.Sum(s => s.Correct));
        return (micro, perType);

        static void Bump(Dictionary<string, int> d, string key) => d[key] = d.GetValueOrDefault(key) + 1;
    }
}
