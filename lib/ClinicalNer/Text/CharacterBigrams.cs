namespace ClinicalNer.Text;

/// <summary>
/// Character bigrams as the taggers and the word2vec trainer both see them: at each position the
/// character and its successor (cᵢcᵢ₊₁), the last character paired with <see cref="EndMarker"/>.
/// One definition, so vectors trained on unlabeled text line up with the tagger's bigram vocabulary.
/// </summary>
public static class CharacterBigrams
{
    /// <summary>What the last character of a text is paired with.</summary>
    public const string EndMarker = "</s>";

    /// <summary>One bigram per character of <paramref name="chars"/>.</summary>
    public static IEnumerable<string> Of(IReadOnlyList<string> chars)
    {
        ArgumentNullException.ThrowIfNull(chars);
        for (int k = 0; k < chars.Count; k++) yield return chars[k] + (k + 1 < chars.Count ? chars[k + 1] : EndMarker);
    }
}
