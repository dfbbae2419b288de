using System.Globalization;

namespace ClinicalNer.Models.FeatureCrf;

/// <summary>
/// Hand features of a character in context, as a feature-based CRF uses them: unigrams in a ±2
/// window, the two bigrams through the character, its character class, and (optionally) the
/// dictionary feature label of the character and its place in its word and the word ("B|肺炎").
/// </summary>
public static class CharFeatures
{
    /// <summary>The feature strings of position <paramref name="i"/>.</summary>
    public static IEnumerable<string> At(IReadOnlyList<string> chars, int i, IReadOnlyList<string>? dictionaryTags = null,
        IReadOnlyList<string>? words = null)
    {
        ArgumentNullException.ThrowIfNull(chars);
        string C(int k) => k < 0 ? "<s>" : k >= chars.Count ? "</s>" : chars[k];
        yield return "bias";
        for (int d = -2; d <= 2; d++) yield return string.Create(CultureInfo.InvariantCulture, $"U{d}={C(i + d)}");
        yield return $"B-1={C(i - 1)}{C(i)}";
        yield return $"B+1={C(i)}{C(i + 1)}";
        yield return $"T={Class(chars[i])}";
        yield return $"T-1T0={Class(C(i - 1))}{Class(C(i))}";
        if (dictionaryTags is not null) yield return $"D={dictionaryTags[i]}";
        if (words is not null)
        {
            yield return $"W={words[i]}";
            yield return $"WP={words[i].Split('|')[0]}";
        }
    }

    /// <summary>A coarse class: CJK, digit, Latin letter, punctuation, boundary or other.</summary>
    public static string Class(string c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c is "<s>" or "</s>") return "S";
        int cp = char.ConvertToUtf32(c, 0);
        if (cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF) return "H";
        if (cp is >= '0' and <= '9' or >= 0xFF10 and <= 0xFF19) return "D";
        if (cp is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= 0xFF21 and <= 0xFF5A) return "L";
        return char.IsPunctuation(c, 0) || char.IsSymbol(c, 0) ? "P" : "O";
    }
}
