using ClinicalNer.Data;

namespace ClinicalNer.Models;

/// <summary>One correction made by the <see cref="LabelConsistencyChecker"/>.</summary>
public sealed record ConsistencyCorrection(int Document, EntitySpan Before, EntitySpan After, string Surface, int TrainingCount);

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
}
