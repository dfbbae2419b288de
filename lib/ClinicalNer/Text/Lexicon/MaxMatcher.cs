using ClinicalNer.Data;

namespace ClinicalNer.Text.Lexicon;

/// <summary>A segment of a text: characters [Start, End), and whether the lexicon knows it.</summary>
public sealed record Segment(int Start, int End, bool InLexicon)
{
    /// <summary>Number of characters.</summary>
    public int Length => End - Start;
}

/// <summary>
/// Maximum matching segmentation over a lexicon: forward (FMM), backward (BMM) and bidirectional
/// (the result with fewer words wins, then the one with fewer single characters, then BMM).
/// Characters no term covers become single-character segments.
/// </summary>
public sealed class MaxMatcher
{
    private readonly Trie<bool> forward = new();
    private readonly Trie<bool> backward = new();

    /// <summary>Builds the matcher over terms.</summary>
    public MaxMatcher(IEnumerable<string> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        foreach (string t in terms)
        {
            var chars = Document.SplitChars(t);
            forward.Add(chars, true);
            backward.Add(chars.Reverse().ToList(), true);
        }
    }

    /// <summary>Forward maximum matching.</summary>
    public List<Segment> Forward(IReadOnlyList<string> chars)
    {
        ArgumentNullException.ThrowIfNull(chars);
        var segments = new List<Segment>();
        for (int i = 0; i < chars.Count;)
        {
            int len = forward.LongestAt(chars, i).Length;
            segments.Add(len > 0 ? new Segment(i, i + len, true) : new Segment(i, i + 1, false));
            i += Math.Max(len, 1);
        }
        return segments;
    }

    /// <summary>Backward maximum matching.</summary>
    public List<Segment> Backward(IReadOnlyList<string> chars)
    {
        ArgumentNullException.ThrowIfNull(chars);
        var reversed = chars.Reverse().ToList();
        var segments = new List<Segment>();
        for (int i = 0; i < reversed.Count;)
        {
            int len = backward.LongestAt(reversed, i).Length;
            int step = Math.Max(len, 1);
            segments.Add(new Segment(chars.Count - i - step, chars.Count - i, len > 0));
            i += step;
        }
        segments.Reverse();
        return segments;
    }

    /// <summary>Bidirectional maximum matching: fewer words, then fewer single characters, then backward.</summary>
    public List<Segment> Bidirectional(IReadOnlyList<string> chars)
    {
        var f = Forward(chars);
        var b = Backward(chars);
        if (f.Count != b.Count) return f.Count < b.Count ? f : b;
        int fs = f.Count(s => s.Length == 1), bs = b.Count(s => s.Length == 1);
        return fs < bs ? f : b;
    }
}
