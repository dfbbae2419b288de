namespace ClinicalNer.Data;

/// <summary>Symbols ↔ ids. Id 0 is padding and id 1 unknown when built with <see cref="WithSpecials"/>.</summary>
public sealed class Vocabulary
{
    /// <summary>The padding symbol.</summary>
    public const string Pad = "<pad>";
    /// <summary>The unknown symbol.</summary>
    public const string Unk = "<unk>";

    private readonly Dictionary<string, int> ids = new(StringComparer.Ordinal);
    private readonly List<string> symbols = new();

    private Vocabulary() { }

    /// <summary>Number of symbols.</summary>
    public int Count => symbols.Count;

    /// <summary>The symbol of an id.</summary>
    public string this[int id] => symbols[id];

    /// <summary>A vocabulary of &lt;pad&gt;, &lt;unk&gt; and every symbol seen at least <paramref name="minCount"/> times.</summary>
    public static Vocabulary WithSpecials(IEnumerable<string> corpus, int minCount = 1)
    {
        var counts = corpus.GroupBy(s => s, StringComparer.Ordinal).Where(g => g.Count() >= minCount)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal);
        var v = new Vocabulary();
        v.Add(Pad);
        v.Add(Unk);
        foreach (var g in counts) v.Add(g.Key);
        return v;
    }

    /// <summary>
    /// A vocabulary of exactly these symbols in this order (tags with "O" first, or a saved vocabulary,
    /// whose &lt;unk&gt; entry, if present, serves unknown symbols).
    /// </summary>
    public static Vocabulary Of(IEnumerable<string> symbols)
    {
        var v = new Vocabulary();
        foreach (string s in symbols) v.Add(s);
        return v;
    }

    /// <summary>The id of a symbol, or the unknown id (throws when there is none).</summary>
    /// <exception cref="KeyNotFoundException">For an unknown symbol in a vocabulary without &lt;unk&gt;.</exception>
    public int Id(string symbol) =>
        ids.TryGetValue(symbol, out int id) ? id
        : ids.TryGetValue(Unk, out int unk) ? unk
        : throw new KeyNotFoundException($"'{symbol}' is not in the vocabulary");

    /// <summary>The id of a symbol that is in the vocabulary (no unknown fallback).</summary>
    public bool TryId(string symbol, out int id) => ids.TryGetValue(symbol, out id);

    private void Add(string s)
    {
        if (ids.ContainsKey(s)) return;
        ids[s] = symbols.Count;
        symbols.Add(s);
    }
}
