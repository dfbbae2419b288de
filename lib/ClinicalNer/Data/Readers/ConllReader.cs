using System.Globalization;
using ClinicalNer.Text;

namespace ClinicalNer.Data.Readers;

/// <summary>
/// Char-per-line files: <c>char TAG</c> separated by a space, tab or comma; a blank line ends a
/// sentence (or a file, in the CCKS2017 split). Tags in prefix (B-X) or suffix (X-B) order, in BIO,
/// BIOES or BMES (told apart by the tags themselves).
/// </summary>
public static class ConllReader
{
    /// <summary>Reads a file into documents, one per blank-line-separated block (id "file:line").</summary>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="DataFormatException">For a line that is not "char TAG", an invalid byte sequence, or (under Strict) an inconsistent tag.</exception>
    public static Corpus Read(string path, RepairPolicy policy = RepairPolicy.Repair)
    {
        var issues = new List<DataIssue>();
        var documents = new List<Document>();
        var chars = new List<string>();
        var tags = new List<string>();
        var lines = new List<int>();
        foreach (var (lineNo, line) in TextDecoding.ReadLines(path))
        {
            if (line.Trim().Length == 0)
            {
                Flush();
                continue;
            }
            int sep = FindSeparator(line);
            if (sep < 0 || line[(sep + 1)..].Trim().Length == 0)
                throw new DataFormatException(new DataIssue($"{path}:{lineNo}", $"expected 'char TAG' (space, tab or comma separated), got {DataIssue.Quote(line)}"));
            chars.Add(line[..sep]);
            tags.Add(line[(sep + 1)..].Trim());
            lines.Add(lineNo);
        }
        Flush();
        return new Corpus(Path.GetFileName(path), documents, issues);

        void Flush()
        {
            if (chars.Count == 0) return;
            int[] at = lines.ToArray();
            var spans = TagCodec.Decode(tags.ToArray(), policy, path, issues, k => at[k].ToString(CultureInfo.InvariantCulture));
            string id = string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(path)}:{at[0]}");
            documents.Add(new Document(id, chars.ToArray(), Document.Sorted(spans), $"{path}:{at[0]}"));
            chars.Clear();
            tags.Clear();
            lines.Clear();
        }
    }

    /// <summary>The tag scheme a set of tags is written in (BMES if any M-, BIOES if any E-/S-, else BIO).</summary>
    public static TagScheme DetectScheme(IEnumerable<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var prefixes = tags.Select(Tag.Parse).Where(t => t is not null).Select(t => t!.Value.Prefix).ToHashSet();
        return prefixes.Contains('M') ? TagScheme.BMES : prefixes.Contains('E') || prefixes.Contains('S') ? TagScheme.BIOES : TagScheme.BIO;
    }

    /// <summary>Writes documents as char-per-line BIO/BIOES/BMES (space separated, blank line between documents).</summary>
    /// <returns>Spans that could not be written because they nest inside or overlap another.</returns>
    public static IReadOnlyList<EntitySpan> Write(string path, IEnumerable<Document> documents, TagScheme scheme = TagScheme.BIO)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var lost = new List<EntitySpan>();
        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false));
        foreach (Document d in documents)
        {
            string[] tags = TagCodec.Encode(d.Length, d.Entities, scheme, out var dropped);
            lost.AddRange(dropped);
            for (int k = 0; k < d.Length; k++) writer.Write($"{d.Chars[k]} {tags[k]}\n");
            writer.Write('\n');
        }
        return lost;
    }

    // The character itself may look like a separator (a comma or a space in the text): the separator
    // is the first space, tab or comma after the first character.
    private static int FindSeparator(string line)
    {
        int first = line.Length > 1 && char.IsSurrogatePair(line, 0) ? 2 : 1;
        for (int k = first; k < line.Length; k++)
            if (line[k] is ' ' or '\t' or ',') return k;
        return -1;
    }
}
