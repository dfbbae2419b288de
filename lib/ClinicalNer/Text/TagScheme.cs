using ClinicalNer.Data;

namespace ClinicalNer.Text;

/// <summary>Tag sequence schemes. Tags are "O" or PREFIX-TYPE ("B-BODY").</summary>
public enum TagScheme
{
    /// <summary>B(egin), I(nside), O(utside).</summary>
    BIO,
    /// <summary>B, I, E(nd), S(ingle), O.</summary>
    BIOES,
    /// <summary>B, M(iddle), E(nd), S(ingle), O (common in Chinese NER).</summary>
    BMES,
}

/// <summary>One tag split into its prefix letter and entity type; "O" has prefix 'O' and no type.</summary>
public readonly record struct Tag(char Prefix, string? Type)
{
    /// <summary>The outside tag.</summary>
    public static Tag Outside { get; } = new('O', null);

    /// <summary>
    /// Parses "B-X" or the suffix order "X-B" (as CCKS2017's train.txt writes "BODY-B"), or "O".
    /// Returns null for anything else.
    /// </summary>
    public static Tag? Parse(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (tag == "O") return Outside;
        if (tag.Length >= 3 && tag[1] == '-' && IsPrefix(tag[0])) return new Tag(tag[0], tag[2..]);
        if (tag.Length >= 3 && tag[^2] == '-' && IsPrefix(tag[^1])) return new Tag(tag[^1], tag[..^2]);
        return null;
    }

    private static bool IsPrefix(char c) => c is 'B' or 'I' or 'E' or 'S' or 'M';

    /// <inheritdoc/>
    public override string ToString() => Type is null ? "O" : $"{Prefix}-{Type}";
}

/// <summary>Spans ↔ tag sequences for each <see cref="TagScheme"/>.</summary>
public static class TagCodec
{
    /// <summary>The label set of a scheme over entity types: "O" first, then each type (ordinal order) with every prefix of the scheme.</summary>
    public static List<string> Labels(IEnumerable<string> types, TagScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(types);
        string prefixes = scheme switch { TagScheme.BIO => "BI", TagScheme.BIOES => "BIES", _ => "BMES" };
        return types.Distinct().Order(StringComparer.Ordinal).SelectMany(t => prefixes.Select(p => $"{p}-{t}")).Prepend("O").ToList();
    }

    /// <summary>
    /// The tags of a document's spans. Tags hold flat spans only: where spans nest or overlap, the
    /// earliest-starting, longest one is kept and the others are returned in <paramref name="dropped"/>.
    /// </summary>
    public static string[] Encode(int length, IEnumerable<EntitySpan> spans, TagScheme scheme, out IReadOnlyList<EntitySpan> dropped)
    {
        ArgumentNullException.ThrowIfNull(spans);
        var tags = Enumerable.Repeat("O", length).ToArray();
        var lost = new List<EntitySpan>();
        int covered = 0;
        foreach (EntitySpan s in Document.Sorted(spans))
        {
            if (s.Start < 0 || s.End > length || s.Start >= s.End)
                throw new ArgumentException($"span [{s.Start}, {s.End}) of type {s.Type} lies outside a text of {length} characters");
            if (s.Start < covered)
            {
                lost.Add(s);
                continue;
            }
            for (int k = s.Start; k < s.End; k++) tags[k] = $"{PrefixAt(scheme, k - s.Start, s.Length)}-{s.Type}";
            covered = s.End;
        }
        dropped = lost;
        return tags;
    }

    /// <summary>Tags for flat spans; throws if any span would be lost.</summary>
    /// <exception cref="ArgumentException">When spans nest or overlap.</exception>
    public static string[] Encode(int length, IEnumerable<EntitySpan> spans, TagScheme scheme)
    {
        string[] tags = Encode(length, spans, scheme, out var dropped);
        if (dropped.Count > 0)
            throw new ArgumentException($"{dropped.Count} nested or overlapping span(s) cannot be tagged in {scheme}, first [{dropped[0].Start}, {dropped[0].End}) {dropped[0].Type}");
        return tags;
    }

    private static char PrefixAt(TagScheme scheme, int offset, int length) => scheme switch
    {
        TagScheme.BIO => offset == 0 ? 'B' : 'I',
        _ when length == 1 => 'S',
        _ when offset == 0 => 'B',
        _ when offset == length - 1 => 'E',
        TagScheme.BIOES => 'I',
        _ => 'M',
    };

    /// <summary>
    /// The spans of a tag sequence. Problems (unknown tags, a continuation tag with no entity to
    /// continue) are handled by <paramref name="policy"/> and reported with <paramref name="location"/>
    /// and the 0-based position.
    /// </summary>
    /// <exception cref="DataFormatException">Under <see cref="RepairPolicy.Strict"/>, at the first problem.</exception>
    public static List<EntitySpan> Decode(IReadOnlyList<string> tags, RepairPolicy policy = RepairPolicy.Repair, string location = "",
        ICollection<DataIssue>? issues = null, Func<int, string>? positionName = null)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var spans = new List<EntitySpan>();
        int start = -1;
        string? type = null;
        bool closed = true; // an E or S ended the current entity
        bool dropping = false;
        for (int i = 0; i <= tags.Count; i++)
        {
            Tag tag;
            if (i == tags.Count) tag = Tag.Outside;
            else if (Tag.Parse(tags[i]) is { } parsed) tag = parsed;
            else
            {
                Report(i, $"unknown tag '{tags[i]}' (expected O, B-X, I-X, M-X, E-X, S-X or X-B)", "read as O");
                tag = Tag.Outside;
            }
            bool continuation = tag.Prefix is 'I' or 'M' or 'E';
            bool continues = continuation && !closed && type == tag.Type;
            string? openType = closed ? null : type;
            if (continuation && dropping && tag.Type == type) continue;
            dropping = false;
            if (!continues && !closed && type is not null) spans.Add(new EntitySpan(start, i, type));
            if (!continues) closed = true;
            if (tag.Type is null) { type = null; continue; }
            if (continuation && !continues)
            {
                string what = openType is null ? $"'{tags[i]}' continues no entity" : $"'{tags[i]}' follows an entity of type {openType}";
                if (policy == RepairPolicy.Drop)
                {
                    Report(i, what, "dropped with its run");
                    type = tag.Type;
                    dropping = true;
                    closed = true;
                    continue;
                }
                Report(i, what, "read as the start of an entity (conlleval)");
            }
            if (!continues)
            {
                start = i;
                type = tag.Type;
                closed = false;
            }
            if (tag.Prefix is 'E' or 'S')
            {
                spans.Add(new EntitySpan(start, i + 1, type!));
                closed = true;
            }
        }
        return spans;

        void Report(int position, string problem, string repair)
        {
            string where = $"{location}{(location.Length > 0 ? ":" : "")}{positionName?.Invoke(position) ?? "position " + position}";
            var issue = new DataIssue(where, problem);
            if (policy == RepairPolicy.Strict) throw new DataFormatException(issue);
            issues?.Add(issue with { Problem = problem + "; " + repair });
        }
    }
}
