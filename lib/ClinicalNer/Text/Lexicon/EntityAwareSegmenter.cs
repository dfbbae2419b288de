using ClinicalNer.Data;

namespace ClinicalNer.Text.Lexicon;

/// <summary>
/// The LSTM-CRF paper's entity-aware segmentation layer: the entities of the training set are kept
/// whole, the rest of the text is segmented by bidirectional maximum matching against a lexicon
/// (which also holds the training entities, so they stay whole in new text when they recur).
/// </summary>
public sealed class EntityAwareSegmenter
{
    private readonly MaxMatcher matcher;

    /// <summary>Builds the segmenter over a general lexicon and the training documents' entity surfaces.</summary>
    public EntityAwareSegmenter(IEnumerable<string> lexicon, IEnumerable<Document> training)
    {
        ArgumentNullException.ThrowIfNull(lexicon);
        ArgumentNullException.ThrowIfNull(training);
        Terms = lexicon.Concat(training.SelectMany(d => d.Entities.Select(d.Surface))).Where(t => t.Length > 0).ToHashSet(StringComparer.Ordinal);
        matcher = new MaxMatcher(Terms);
    }

    /// <summary>Builds the segmenter over a term set as saved (lexicon and entities together).</summary>
    public EntityAwareSegmenter(IReadOnlyCollection<string> terms)
    {
        Terms = (terms ?? throw new ArgumentNullException(nameof(terms))).ToHashSet(StringComparer.Ordinal);
        matcher = new MaxMatcher(Terms);
    }

    /// <summary>Every term the matcher knows.</summary>
    public IReadOnlySet<string> Terms { get; }

    /// <summary>
    /// Segments a document. With <paramref name="keepGoldEntities"/> (training data), each flat gold
    /// entity is one segment and only the text between entities is matched.
    /// </summary>
    public List<Segment> Segment(Document document, bool keepGoldEntities)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (!keepGoldEntities) return matcher.Bidirectional(document.Chars);
        var segments = new List<Segment>();
        int at = 0;
        foreach (EntitySpan e in document.Entities)
        {
            if (e.Start < at) continue; // nested inside a kept entity
            segments.AddRange(Gap(document, at, e.Start));
            segments.Add(new Segment(e.Start, e.End, true));
            at = e.End;
        }
        segments.AddRange(Gap(document, at, document.Length));
        return segments;
    }

    /// <summary>The words of <see cref="Segment"/>, as text.</summary>
    public List<string> Words(Document document, bool keepGoldEntities) =>
        Segment(document, keepGoldEntities).Select(s => string.Concat(document.Chars.Skip(s.Start).Take(s.Length))).ToList();

    private IEnumerable<Segment> Gap(Document d, int start, int end)
    {
        if (end <= start) return [];
        var chars = d.Chars.Skip(start).Take(end - start).ToList();
        return matcher.Bidirectional(chars).Select(s => s with { Start = s.Start + start, End = s.End + start });
    }
}
