using ClinicalNer.Data;
using ClinicalNer.Data.Readers;

namespace ClinicalNer.Text.Lexicon;

/// <summary>An entity of the knowledge graph found in a sentence, with its triples' tails.</summary>
public sealed record KgMatch(int Start, int End, string Entity, IReadOnlyList<Triple> Triples);

/// <summary>
/// Finds knowledge-graph subjects in a sentence by longest match, left to right, without overlaps
/// (as K-BERT's knowledge layer does), through a trie over all heads.
/// </summary>
public sealed class KnowledgeGraphMatcher
{
    private readonly Trie<List<Triple>> heads = new();

    /// <summary>Indexes the triples by head.</summary>
    public KnowledgeGraphMatcher(IEnumerable<Triple> triples)
    {
        ArgumentNullException.ThrowIfNull(triples);
        foreach (var group in triples.GroupBy(t => t.Head, StringComparer.Ordinal))
            heads.Add(group.Key, group.ToList());
    }

    /// <summary>Number of distinct heads.</summary>
    public int EntityCount => heads.Count;

    /// <summary>The matched entities of a sentence, each with at most <paramref name="maxTriples"/> triples (in file order).</summary>
    public List<KgMatch> Match(IReadOnlyList<string> chars, int maxTriples = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(chars);
        var matches = new List<KgMatch>();
        for (int i = 0; i < chars.Count;)
        {
            var (len, triples) = heads.LongestAt(chars, i);
            if (len == 0) { i++; continue; }
            matches.Add(new KgMatch(i, i + len, string.Concat(chars.Skip(i).Take(len)), triples.Take(maxTriples).ToList()));
            i += len;
        }
        return matches;
    }
}
