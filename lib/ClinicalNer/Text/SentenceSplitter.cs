using ClinicalNer.Data;

namespace ClinicalNer.Text;

/// <summary>A piece of a document: its own <see cref="Document"/> plus where it starts in the original.</summary>
/// <param name="Piece">The piece, with the entities that lie wholly inside it, in piece coordinates.</param>
/// <param name="Offset">Character offset of the piece in the original document.</param>
public sealed record Window(Document Piece, int Offset)
{
    /// <summary>Maps spans predicted on the piece back to the original document.</summary>
    public IEnumerable<EntitySpan> ToOriginal(IEnumerable<EntitySpan> spans) =>
        spans.Select(s => s with { Start = s.Start + Offset, End = s.End + Offset });
}

/// <summary>
/// Sentence splitting and fixed-size windows that keep offsets, so predictions made on pieces map
/// back to the original text (long CCKS records exceed BERT's 512 positions).
/// </summary>
public static class SentenceSplitter
{
    private static readonly HashSet<string> SentenceEnds = ["。", "！", "？", "；", "!", "?", ";", "\n"];
    private static readonly HashSet<string> ClauseEnds = ["，", ",", "、", "：", ":"];

    /// <summary>
    /// Splits after sentence-final punctuation (。！？； and newlines), never inside an entity; a
    /// sentence longer than <paramref name="maxLength"/> is split further after commas, then hard.
    /// </summary>
    public static List<Window> Split(Document document, int maxLength = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        bool[] inside = InsideEntity(document);
        var cuts = new List<int> { 0 };
        for (int i = 0; i < document.Length; i++)
            if (SentenceEnds.Contains(document.Chars[i]) && !inside[i + 1]) cuts.Add(i + 1);
        if (cuts[^1] != document.Length) cuts.Add(document.Length);

        var windows = new List<Window>();
        for (int k = 0; k + 1 < cuts.Count; k++)
            foreach (var (start, end) in Limit(document, inside, cuts[k], cuts[k + 1], maxLength))
                if (end > start) windows.Add(Slice(document, start, end));
        return windows;
    }

    /// <summary>Overlapping windows of <paramref name="size"/> characters every <paramref name="stride"/> characters.</summary>
    public static List<Window> Windows(Document document, int size, int stride)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stride, size);
        var windows = new List<Window>();
        for (int start = 0; ; start += stride)
        {
            int end = Math.Min(document.Length, start + size);
            windows.Add(Slice(document, start, end));
            if (end == document.Length) break;
        }
        return windows;
    }

    /// <summary>
    /// Merges spans predicted on overlapping windows: each character is owned by the window where it
    /// is farthest from an edge, and a span is kept from the window that owns its first character.
    /// </summary>
    public static List<EntitySpan> Merge(int documentLength, IEnumerable<(Window Window, IReadOnlyList<EntitySpan> Spans)> predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var list = predictions.ToList();
        var owner = new int[documentLength];
        var margin = Enumerable.Repeat(-1, documentLength).ToArray();
        for (int w = 0; w < list.Count; w++)
        {
            var win = list[w].Window;
            for (int i = 0; i < win.Piece.Length; i++)
            {
                int m = Math.Min(i, win.Piece.Length - 1 - i);
                if (m > margin[win.Offset + i]) { margin[win.Offset + i] = m; owner[win.Offset + i] = w; }
            }
        }
        var merged = new HashSet<EntitySpan>();
        for (int w = 0; w < list.Count; w++)
            foreach (EntitySpan s in list[w].Window.ToOriginal(list[w].Spans))
                if (owner[s.Start] == w) merged.Add(s);
        return Document.Sorted(merged).ToList();
    }

    private static IEnumerable<(int, int)> Limit(Document d, bool[] inside, int start, int end, int maxLength)
    {
        while (end - start > maxLength)
        {
            int cut = -1;
            for (int i = start + maxLength; i > start; i--)
                if (!inside[i] && ClauseEnds.Contains(d.Chars[i - 1])) { cut = i; break; }
            if (cut < 0)
                for (int i = start + maxLength; i > start; i--)
                    if (!inside[i]) { cut = i; break; }
            if (cut < 0) cut = start + maxLength; // an entity longer than maxLength: cut through it
            yield return (start, cut);
            start = cut;
        }
        yield return (start, end);
    }

    // inside[i] is true when position i (a boundary before character i) falls strictly inside an entity.
    private static bool[] InsideEntity(Document d)
    {
        var inside = new bool[d.Length + 1];
        foreach (EntitySpan s in d.Entities)
            for (int i = s.Start + 1; i < s.End; i++) inside[i] = true;
        return inside;
    }

    private static Window Slice(Document d, int start, int end)
    {
        var chars = d.Chars.Skip(start).Take(end - start).ToArray();
        var spans = d.Entities.Where(e => e.Start >= start && e.End <= end).Select(e => e with { Start = e.Start - start, End = e.End - start }).ToList();
        return new Window(new Document($"{d.Id}[{start}:{end}]", chars, spans, d.Source), start);
    }
}
