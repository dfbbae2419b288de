using ClinicalNer.Data;

namespace ClinicalNer.Evaluation;

/// <summary>
/// Which type the model gives each gold entity: rows are gold types plus "(none)" for spurious
/// predictions, columns predicted types plus "(missed)". A prediction is paired with a gold entity when
/// their spans are identical (boundary errors count as a miss and a spurious prediction).
/// </summary>
public sealed record TypeConfusion(IReadOnlyList<string> Rows, IReadOnlyList<string> Columns, int[,] Counts)
{
    /// <summary>The "no entity" row and column names.</summary>
    public const string None = "(none)", Missed = "(missed)";

    /// <summary>Counts the pairs over all sentences.</summary>
    public static TypeConfusion Of(IReadOnlyList<IReadOnlyList<EntitySpan>> gold, IReadOnlyList<IReadOnlyList<EntitySpan>> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        var types = gold.SelectMany(g => g).Concat(predicted.SelectMany(p => p)).Select(s => s.Type).Distinct().Order(StringComparer.Ordinal).ToList();
        var rows = types.Append(None).ToList();
        var cols = types.Append(Missed).ToList();
        var counts = new int[rows.Count, cols.Count];
        for (int i = 0; i < gold.Count; i++)
        {
            var byPosition = predicted[i].GroupBy(p => (p.Start, p.End)).ToDictionary(g => g.Key, g => g.First());
            var used = new HashSet<(int, int)>();
            foreach (EntitySpan g in gold[i])
            {
                if (byPosition.TryGetValue((g.Start, g.End), out EntitySpan? p))
                {
                    counts[types.IndexOf(g.Type), types.IndexOf(p.Type)]++;
                    used.Add((g.Start, g.End));
                }
                else counts[types.IndexOf(g.Type), cols.Count - 1]++;
            }
            foreach (EntitySpan p in predicted[i].Where(p => !used.Contains((p.Start, p.End))))
                counts[rows.Count - 1, types.IndexOf(p.Type)]++;
        }
        return new TypeConfusion(rows, cols, counts);
    }

    /// <summary>The counts as doubles (for a heatmap).</summary>
    public double[,] AsDoubles()
    {
        var d = new double[Rows.Count, Columns.Count];
        for (int r = 0; r < Rows.Count; r++) for (int c = 0; c < Columns.Count; c++) d[r, c] = Counts[r, c];
        return d;
    }
}
