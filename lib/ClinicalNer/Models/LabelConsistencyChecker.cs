using ClinicalNer.Data;

namespace ClinicalNer.Models;

/// <summary>One correction made by the <see cref="LabelConsistencyChecker"/>.</summary>
public sealed record ConsistencyCorrection(int Document, EntitySpan Before, EntitySpan After, string Surface, int TrainingCount);

/// <summary>What the check did to predictions, judged against the gold entities.</summary>
/// <param name="Predicted">Predicted entities.</param>
/// <param name="TypeErrors">Predicted entities with a gold entity's boundaries and another type: all the check could fix.</param>
/// <param name="Changed">Entities whose type the check changed.</param>
/// <param name="ToGold">Changes to the gold type (a type error fixed).</param>
/// <param name="AwayFromGold">Changes of a right prediction to a wrong type.</param>
/// <param name="F1Before">Strict micro-F1 of the predictions.</param>
/// <param name="F1After">Strict micro-F1 after the check.</param>
public sealed record ConsistencyAudit(int Predicted, int TypeErrors, int Changed, int ToGold, int AwayFromGold, double F1Before, double F1After);

/// <summary>
/// The LSTM-CRF paper's label consistency check layer: a predicted entity whose surface form the
/// training set labels with one other type every time (at least <see cref="MinCount"/> times) is
/// given that type. Pure: returns the corrected spans and the list of what changed.
/// </summary>
public sealed class LabelConsistencyChecker
{
    private readonly Dictionary<string, (string Type, int Count)> consistent = new(StringComparer.Ordinal);

    /// <summary>Learns, from training documents, the surfaces that always carry one type.</summary>
    public LabelConsistencyChecker(IEnumerable<Document> training, int minCount = 2)
    {
        ArgumentNullException.ThrowIfNull(training);
        MinCount = minCount;
        var types = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (Document d in training)
            foreach (EntitySpan e in d.Entities)
            {
                string surface = d.Surface(e);
                if (!types.TryGetValue(surface, out var byType)) types[surface] = byType = new Dictionary<string, int>(StringComparer.Ordinal);
                byType[e.Type] = byType.GetValueOrDefault(e.Type) + 1;
            }
        foreach (var (surface, byType) in types)
            if (byType.Count == 1 && byType.Values.Single() >= minCount) consistent[surface] = (byType.Keys.Single(), byType.Values.Single());
    }

    /// <summary>Occurrences a surface needs before its type is trusted.</summary>
    public int MinCount { get; }

    /// <summary>Surfaces with one consistent type in training.</summary>
    public int KnownSurfaces => consistent.Count;

    /// <summary>Corrects predicted spans of documents; returns the new spans and each change.</summary>
    public (IReadOnlyList<IReadOnlyList<EntitySpan>> Spans, IReadOnlyList<ConsistencyCorrection> Corrections) Apply(
        IReadOnlyList<Document> documents, IReadOnlyList<IReadOnlyList<EntitySpan>> predicted)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(predicted);
        if (documents.Count != predicted.Count) throw new ArgumentException($"{documents.Count} documents but {predicted.Count} predictions");
        var corrections = new List<ConsistencyCorrection>();
        var result = new List<IReadOnlyList<EntitySpan>>(predicted.Count);
        for (int i = 0; i < documents.Count; i++)
        {
            var spans = new List<EntitySpan>(predicted[i].Count);
            foreach (EntitySpan e in predicted[i])
            {
                string surface = documents[i].Surface(e);
                if (consistent.TryGetValue(surface, out var known) && known.Type != e.Type)
                {
                    var fixedSpan = e with { Type = known.Type };
                    corrections.Add(new ConsistencyCorrection(i, e, fixedSpan, surface, known.Count));
                    spans.Add(fixedSpan);
                }
                else spans.Add(e);
            }
            result.Add(spans);
        }
        return (result, corrections);
    }

    /// <summary>
    /// Applies the check to <paramref name="predicted"/> and judges it against the documents' gold entities: how many
    /// type errors there were to fix, how many changes fixed one and how many broke a right prediction.
    /// </summary>
    public ConsistencyAudit Audit(IReadOnlyList<Document> documents, IReadOnlyList<IReadOnlyList<EntitySpan>> predicted)
    {
        var (spans, corrections) = Apply(documents, predicted);
        var gold = documents.Select(d => d.Entities).ToList();
        int typeErrors = predicted.Select((p, i) => p.Count(e => !gold[i].Contains(e) && gold[i].Any(g => g.Start == e.Start && g.End == e.End))).Sum();
        return new ConsistencyAudit(predicted.Sum(p => p.Count), typeErrors, corrections.Count,
            corrections.Count(c => !gold[c.Document].Contains(c.Before) && gold[c.Document].Contains(c.After)),
            corrections.Count(c => gold[c.Document].Contains(c.Before)),
            Evaluation.NerMetrics.Strict(gold, predicted).Micro.F1, Evaluation.NerMetrics.Strict(gold, spans).Micro.F1);
    }
}
