using ClinicalNer.Data.Readers;

namespace ClinicalNer.Data;

/// <summary>Counts of one corpus split, like the papers' dataset tables.</summary>
/// <param name="Name">The split or file.</param>
/// <param name="Documents">Documents (sentences or files).</param>
/// <param name="Characters">Characters over all documents.</param>
/// <param name="EntitiesByType">Entities per type.</param>
/// <param name="Nested">Entities that lie inside or overlap another entity.</param>
/// <param name="MeanEntityLength">Mean entity length in characters.</param>
/// <param name="Issues">Problems found while reading (repaired or dropped per policy).</param>
public sealed record CorpusStatistics(string Name, int Documents, long Characters, IReadOnlyDictionary<string, int> EntitiesByType,
    int Nested, double MeanEntityLength, int Issues)
{
    /// <summary>All entities.</summary>
    public int Entities => EntitiesByType.Values.Sum();

    /// <summary>Computes the statistics of a corpus.</summary>
    public static CorpusStatistics Of(Corpus corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var byType = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int nested = 0;
        long length = 0;
        foreach (Document d in corpus.Documents)
        {
            foreach (EntitySpan e in d.Entities)
            {
                byType[e.Type] = byType.GetValueOrDefault(e.Type) + 1;
                length += e.Length;
            }
            nested += d.Entities.Count(e => d.Entities.Any(o => !ReferenceEquals(o, e) && o != e && o.Start < e.End && e.Start < o.End));
        }
        int total = byType.Values.Sum();
        return new CorpusStatistics(corpus.Name, corpus.Documents.Count, corpus.Documents.Sum(d => (long)d.Length), byType, nested,
            total == 0 ? 0 : (double)length / total, corpus.Issues.Count);
    }
}
