using ClinicalNer.Data;

namespace ClinicalNer.Text.Lexicon;

/// <summary>
/// SoftLexicon word sets (Ma et al., 2020, "Simplify the usage of lexicon in Chinese NER"): every lexicon word that
/// occurs in the text, overlapping ones included, is put in one of four sets of each character it covers: B (the word
/// begins there), M (the character is inside it), E (the word ends there) or S (the word is that one character). A set
/// is pooled as <c>4/Z · Σ z(w) e(w)</c> over its words, z(w) the word's frequency and Z the sum of z over all four sets
/// of the character; an empty set holds the word <see cref="None"/>. Unlike maximum matching, nothing is chosen between
/// overlapping words: the model sees them all.
/// </summary>
/// <remarks>
/// z(w) is one plus the number of times the word occurs in the text the sets were built from (the training text), so a
/// word never seen there still counts once.
/// </remarks>
public sealed class SoftLexicon
{
    /// <summary>The word of an empty set (id 1; id 0 is padding).</summary>
    public const string None = "<none>";

    /// <summary>The four sets per character: B, M, E, S.</summary>
    public const int SetCount = 4;

    private readonly Trie<int> trie = new();
    private readonly long[] frequencies;

    /// <summary>Words with their frequencies z(w), in id order after padding and <see cref="None"/>.</summary>
    public SoftLexicon(IReadOnlyList<string> words, IReadOnlyList<long> frequencies)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(frequencies);
        if (words.Count != frequencies.Count)
            throw new ArgumentException($"{words.Count} words but {frequencies.Count} frequencies");
        Words = Vocabulary.Of([Vocabulary.Pad, None, .. words]);
        if (Words.Count != words.Count + 2) throw new ArgumentException("the words of a soft lexicon must be distinct and not its special symbols");
        this.frequencies = [0, 1, .. frequencies];
        for (int k = 0; k < words.Count; k++)
        {
            if (frequencies[k] < 1) throw new ArgumentException($"frequency of '{words[k]}' is {frequencies[k]}; z(w) is at least 1");
            trie.Add(words[k], k + 2);
        }
    }

    /// <summary>
    /// The lexicon of <paramref name="terms"/> (empty and repeated terms dropped), each with z(w) = 1 + its occurrences in
    /// <paramref name="text"/> (every occurrence, overlapping ones too).
    /// </summary>
    public static SoftLexicon Build(IEnumerable<string> terms, IEnumerable<IReadOnlyList<string>> text)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(text);
        var words = terms.Where(t => Document.SplitChars(t).Count > 0 && t != Vocabulary.Pad && t != None)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var index = new Trie<int>();
        for (int k = 0; k < words.Count; k++) index.Add(words[k], k);
        var counts = Enumerable.Repeat(1L, words.Count).ToArray();
        foreach (var chars in text)
            for (int i = 0; i < chars.Count; i++)
                foreach (var (_, k) in index.TermsAt(chars, i)) counts[k]++;
        return new SoftLexicon(words, counts);
    }

    /// <summary>Padding, <see cref="None"/>, then the words (the embedding vocabulary).</summary>
    public Vocabulary Words { get; }

    /// <summary>z(w) of each word id (0 for padding, 1 for <see cref="None"/>).</summary>
    public IReadOnlyList<long> Frequencies => frequencies;

    /// <summary>
    /// The four sets of every character: <c>sets[i][s]</c> lists (word id, weight) for set s (0 B, 1 M, 2 E, 3 S) of
    /// character i; the weights are <c>4 z(w) / Z</c>, and an empty set is (<see cref="None"/>'s id, 1).
    /// </summary>
    public List<(int Word, float Weight)>[][] Sets(IReadOnlyList<string> chars)
    {
        ArgumentNullException.ThrowIfNull(chars);
        var sets = new List<(int Word, float Weight)>[chars.Count][];
        var z = new double[chars.Count];
        for (int i = 0; i < chars.Count; i++) sets[i] = [[], [], [], []];
        for (int i = 0; i < chars.Count; i++)
            foreach (var (length, word) in trie.TermsAt(chars, i))
            {
                int end = i + length - 1;
                if (length == 1) Put(i, 3, word);
                else
                {
                    Put(i, 0, word);
                    for (int m = i + 1; m < end; m++) Put(m, 1, word);
                    Put(end, 2, word);
                }
            }
        for (int i = 0; i < chars.Count; i++)
            foreach (var set in sets[i])
            {
                for (int k = 0; k < set.Count; k++) set[k] = (set[k].Word, (float)(SetCount * frequencies[set[k].Word] / z[i]));
                if (set.Count == 0) set.Add((1, 1f));
            }
        return sets;

        void Put(int position, int set, int word)
        {
            sets[position][set].Add((word, 0f));
            z[position] += frequencies[word];
        }
    }
}
