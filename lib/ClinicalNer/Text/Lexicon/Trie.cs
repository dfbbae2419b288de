namespace ClinicalNer.Text.Lexicon;

/// <summary>A character trie over terms, each with a value (e.g. its entity type), for longest-match lookups.</summary>
/// <typeparam name="TValue">What a term maps to.</typeparam>
public sealed class Trie<TValue>
{
    private sealed class Node
    {
        public Dictionary<string, Node>? Children;
        public bool IsTerm;
        public TValue Value = default!;
    }

    private readonly Node root = new();

    /// <summary>Number of distinct terms.</summary>
    public int Count { get; private set; }

    /// <summary>Longest term length in characters.</summary>
    public int MaxLength { get; private set; }

    /// <summary>Adds a term (given as characters); a second add of the same term replaces its value.</summary>
    public void Add(IReadOnlyList<string> term, TValue value)
    {
        ArgumentNullException.ThrowIfNull(term);
        if (term.Count == 0) return;
        Node node = root;
        foreach (string c in term)
        {
            node.Children ??= new Dictionary<string, Node>(StringComparer.Ordinal);
            if (!node.Children.TryGetValue(c, out Node? next)) node.Children[c] = next = new Node();
            node = next;
        }
        if (!node.IsTerm) Count++;
        node.IsTerm = true;
        node.Value = value;
        MaxLength = Math.Max(MaxLength, term.Count);
    }

    /// <summary>Adds a term given as a string.</summary>
    public void Add(string term, TValue value) => Add(Data.Document.SplitChars(term), value);

    /// <summary>Whether the characters [start, end) form a term.</summary>
    public bool Contains(IReadOnlyList<string> chars, int start, int end) => Find(chars, start, end) is not null;

    /// <summary>The length of the longest term starting at <paramref name="start"/> (0 if none) and its value.</summary>
    public (int Length, TValue Value) LongestAt(IReadOnlyList<string> chars, int start)
    {
        ArgumentNullException.ThrowIfNull(chars);
        Node node = root;
        (int, TValue) best = (0, default!);
        for (int i = start; i < chars.Count; i++)
        {
            if (node.Children is null || !node.Children.TryGetValue(chars[i], out Node? next)) break;
            node = next;
            if (node.IsTerm) best = (i - start + 1, node.Value);
        }
        return best;
    }

    /// <summary>Every term starting at <paramref name="start"/>, shortest first: its length and value.</summary>
    public IEnumerable<(int Length, TValue Value)> TermsAt(IReadOnlyList<string> chars, int start)
    {
        ArgumentNullException.ThrowIfNull(chars);
        Node node = root;
        for (int i = start; i < chars.Count; i++)
        {
            if (node.Children is null || !node.Children.TryGetValue(chars[i], out Node? next)) yield break;
            node = next;
            if (node.IsTerm) yield return (i - start + 1, node.Value);
        }
    }

    /// <summary>The value of the term [start, end), if it is one.</summary>
    public TValue? Find(IReadOnlyList<string> chars, int start, int end)
    {
        ArgumentNullException.ThrowIfNull(chars);
        Node node = root;
        for (int i = start; i < end; i++)
            if (node.Children is null || !node.Children.TryGetValue(chars[i], out node!)) return default;
        return node.IsTerm ? node.Value : default;
    }

    /// <summary>Whether [start, end) is a term.</summary>
    public bool IsTerm(IReadOnlyList<string> chars, int start, int end)
    {
        ArgumentNullException.ThrowIfNull(chars);
        Node node = root;
        for (int i = start; i < end; i++)
            if (node.Children is null || !node.Children.TryGetValue(chars[i], out node!)) return false;
        return node.IsTerm;
    }
}
