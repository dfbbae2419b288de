using ClinicalNer.Data;

namespace ClinicalNer.Text.Lexicon;

/// <summary>
/// Dictionary features as BiLM_BNER uses them: the sentence is segmented by bidirectional maximum
/// matching against typed lexicons, and each character gets B-type / I-type / O of the segment
/// covering it (O for characters outside every lexicon term).
/// </summary>
public sealed class DictionaryFeatures
{
    private readonly MaxMatcher matcher;
    private readonly Trie<string> types = new();

    /// <summary>Builds the features over lexicons by type (a term in several lexicons keeps the first type).</summary>
    public DictionaryFeatures(IReadOnlyDictionary<string, IEnumerable<string>> lexicons)
    {
        ArgumentNullException.ThrowIfNull(lexicons);
        var all = new List<string>();
        foreach (var (type, terms) in lexicons)
            foreach (string t in terms)
            {
                var chars = Document.SplitChars(t);
                if (chars.Count == 0 || types.IsTerm(chars, 0, chars.Count)) continue;
                types.Add(chars, type);
                all.Add(t);
            }
        matcher = new MaxMatcher(all);
        Labels = ["O", .. lexicons.Keys.SelectMany(t => new[] { "B-" + t, "I-" + t })];
    }

    /// <summary>Every feature label, "O" first (the embedding vocabulary of the features).</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>One feature label per character.</summary>
    public string[] Tag(IReadOnlyList<string> chars)
    {
        ArgumentNullException.ThrowIfNull(chars);
        var tags = Enumerable.Repeat("O", chars.Count).ToArray();
        foreach (Segment s in matcher.Bidirectional(chars))
        {
            if (!s.InLexicon) continue;
            string type = types.Find(chars, s.Start, s.End)!;
            for (int k = s.Start; k < s.End; k++) tags[k] = (k == s.Start ? "B-" : "I-") + type;
        }
        return tags;
    }
}
