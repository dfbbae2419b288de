namespace ClinicalNer.Data;

/// <summary>
/// Paper 1's §3.1 "noise added to the processed text", which the paper does not specify further: here each character of
/// the training text is replaced, with probability <c>rate</c>, by a character drawn from the text's own character
/// distribution, the annotations left as they were (the same spans, so an entity may now read wrongly, as in noisy
/// records). Whitespace is left alone. Deterministic for a seed.
/// </summary>
public static class TextNoise
{
    /// <summary>The documents with characters replaced at <paramref name="rate"/> (0: the same documents).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate outside [0, 1).</exception>
    public static List<Document> Substitute(IReadOnlyList<Document> documents, double rate, int seed)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (rate is < 0 or >= 1 || double.IsNaN(rate)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "the noise rate is a probability in [0, 1)");
        if (rate == 0) return [.. documents];
        // Drawn in proportion to how often each character occurs: the noise looks like the text's own characters.
        var pool = documents.SelectMany(d => d.Chars).Where(c => !string.IsNullOrWhiteSpace(c)).ToArray();
        if (pool.Length == 0) return [.. documents];
        var rng = new Random(seed);
        return documents.Select(d => d with
        {
            Chars = d.Chars.Select(c => !string.IsNullOrWhiteSpace(c) && rng.NextDouble() < rate ? pool[rng.Next(pool.Length)] : c).ToList(),
        }).ToList();
    }
}
