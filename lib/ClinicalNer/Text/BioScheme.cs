using ClinicalNer.Data;

namespace ClinicalNer.Text;

/// <summary>BIO tags ↔ spans. Tags are "B-TYPE", "I-TYPE" or "O".</summary>
public static class BioScheme
{
    /// <summary>
    /// The entities of a BIO sequence. An I- that does not continue an entity of its type starts a
    /// new one (conlleval's reading, so stray I- runs are counted, not dropped).
    /// </summary>
    public static List<EntitySpan> Spans(IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var spans = new List<EntitySpan>();
        int start = -1;
        string? type = null;
        for (int i = 0; i <= tags.Count; i++)
        {
            string tag = i < tags.Count ? tags[i] : "O";
            string prefix = tag.Length >= 2 && tag[1] == '-' ? tag[..1] : tag;
            string? t = tag.Length > 2 && tag[1] == '-' ? tag[2..] : null;
            bool continues = prefix == "I" && t == type && type is not null;
            if (!continues && type is not null)
            {
                spans.Add(new EntitySpan(start, i, type));
                type = null;
            }
            if ((prefix == "B" || (prefix == "I" && !continues)) && t is not null)
            {
                start = i;
                type = t;
            }
        }
        return spans;
    }

    /// <summary>BIO tags for flat spans over <paramref name="length"/> characters.</summary>
    /// <exception cref="ArgumentException">For overlapping or out-of-range spans.</exception>
    public static string[] Tags(int length, IEnumerable<EntitySpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        var tags = Enumerable.Repeat("O", length).ToArray();
        foreach (EntitySpan s in spans.OrderBy(s => s.Start))
        {
            if (s.Start < 0 || s.End > length || s.Start >= s.End)
                throw new ArgumentException($"span [{s.Start}, {s.End}) of type {s.Type} lies outside a text of {length} characters");
            for (int k = s.Start; k < s.End; k++)
            {
                if (tags[k] != "O") throw new ArgumentException($"span [{s.Start}, {s.End}) {s.Type} overlaps another span at {k}: BIO cannot hold nested spans");
                tags[k] = (k == s.Start ? "B-" : "I-") + s.Type;
            }
        }
        return tags;
    }
}
