using ClinicalNer.Text;

namespace ClinicalNer.Models.Crf;

/// <summary>
/// Which tag may follow which under a tag scheme, as a pure function of the labels (AllenNLP's
/// <c>allowed_transitions</c> idea). Index <c>n</c> stands for START and <c>n + 1</c> for END, where n is
/// the number of labels: <c>allowed[i, j]</c> says whether label j may follow label i.
/// </summary>
public static class AllowedTransitions
{
    /// <summary>The (n+2) × (n+2) table of allowed transitions.</summary>
    /// <exception cref="ArgumentException">For a label that is not a tag of the scheme.</exception>
    public static bool[,] For(TagScheme scheme, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        int n = labels.Count, start = n, end = n + 1;
        var parsed = labels.Select(l => Tag.Parse(l) ?? throw new ArgumentException($"'{l}' is not a tag (O, B-X, I-X, ...)", nameof(labels))).ToArray();
        foreach (Tag t in parsed)
            if (!Prefixes(scheme).Contains(t.Prefix))
                throw new ArgumentException($"tag '{t}' does not belong to the {scheme} scheme", nameof(labels));
        var allowed = new bool[n + 2, n + 2];
        for (int i = 0; i < n + 2; i++)
        {
            for (int j = 0; j < n + 2; j++)
            {
                if (j == start || i == end) continue; // nothing goes to START, nothing leaves END
                Tag? from = i == start ? null : parsed[i];
                Tag? to = j == end ? null : parsed[j];
                allowed[i, j] = Allowed(scheme, from, to);
            }
        }
        return allowed;
    }

    private static string Prefixes(TagScheme scheme) => scheme switch
    {
        TagScheme.BIO => "OBI",
        TagScheme.BIOES => "OBIES",
        _ => "OBMES",
    };

    // from == null: START; to == null: END.
    private static bool Allowed(TagScheme scheme, Tag? from, Tag? to)
    {
        char f = from?.Prefix ?? 'S'; // START behaves like "after a complete entity"
        if (from is { Prefix: 'O' }) f = 'S';
        char t = to?.Prefix ?? 'O';   // END behaves like "before O"
        bool sameType = from?.Type is not null && to?.Type == from.Value.Type;
        switch (scheme)
        {
            case TagScheme.BIO:
                // I-X only after B-X or I-X.
                return t != 'I' || (f is 'B' or 'I' && sameType);
            default:
                char inside = scheme == TagScheme.BIOES ? 'I' : 'M';
                bool open = f == 'B' || f == inside;          // inside an entity that has not ended
                if (open) return (t == inside || t == 'E') && sameType;
                return t is 'O' or 'B' or 'S';
        }
    }
}
