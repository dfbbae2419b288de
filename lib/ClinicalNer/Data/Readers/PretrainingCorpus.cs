using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace ClinicalNer.Data.Readers;

/// <summary>A file or folder of unlabeled text and how many times its documents enter a pretraining pass.</summary>
/// <param name="Path">A file, or a folder read recursively.</param>
/// <param name="Weight">Copies of each of its documents per pass (1 = as is; 3 = the source weighted up three times).</param>
public sealed record PretrainingSource(string Path, int Weight = 1);

/// <summary>What one source gave.</summary>
/// <param name="Path">The source.</param>
/// <param name="Files">Non-empty files read.</param>
/// <param name="Documents">Documents made from them (before weighting).</param>
/// <param name="Characters">Characters in those documents.</param>
/// <param name="Weight">Copies per pass.</param>
public sealed record PretrainingSourceSummary(string Path, int Files, int Documents, long Characters, int Weight);

/// <summary>
/// Unlabeled text cut into the documents that BERT pretraining draws its sentence pairs from. A document should be one
/// coherent text, because next-sentence prediction learns from consecutive sentences and its negatives come from other
/// documents: a whole-file dump of thousands of Q&amp;A pairs as one document makes "consecutive" meaningless and a
/// record split over four files makes every section a separate document. So:
/// <list type="bullet">
/// <item>CCKS2017 record sections (<c>SECTION/SECTION-N</c> files under one folder, e.g. <c>一般项目/一般项目-401</c> and
/// <c>病史特点/病史特点-401</c>) are joined into one document per record N, in the order of a discharge record;</item>
/// <item>a CSV file with a header row gives one document per row (its fields as lines);</item>
/// <item>any other file is split at blank lines into one document per block;</item>
/// <item>HTML residue in the EMR text (<c>&amp;amp;nbsp;</c>, <c>&lt;font ...&gt;</c>) is decoded and removed.</item>
/// </list>
/// </summary>
public static class PretrainingCorpus
{
    // The sections of a CCKS2017 discharge record in reading order; other section names follow in ordinal order.
    private static readonly string[] SectionOrder = ["一般项目", "病史特点", "诊疗经过", "出院情况"];
    private static readonly Regex Tag = new("<[^<>]{0,200}>", RegexOptions.Compiled);
    private static readonly Regex BlankLines = new(@"\r?\n[ \t\u3000]*\r?\n", RegexOptions.Compiled);

    /// <summary>The documents of every source, each repeated its weight times, and what each source gave.</summary>
    /// <exception cref="ArgumentException">A weight below 1.</exception>
    /// <exception cref="FileNotFoundException">A source that does not exist.</exception>
    public static (IReadOnlyList<string> Documents, IReadOnlyList<PretrainingSourceSummary> Sources) Load(IEnumerable<PretrainingSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var documents = new List<string>();
        var summaries = new List<PretrainingSourceSummary>();
        foreach (var source in sources)
        {
            if (source.Weight < 1) throw new ArgumentException($"{source.Path}: weight {source.Weight}; a source's weight is a whole number of copies ≥ 1");
            var texts = RawTextReader.Read(source.Path).ToList();
            var own = DocumentsOf(texts);
            for (int copy = 0; copy < source.Weight; copy++) documents.AddRange(own);
            summaries.Add(new PretrainingSourceSummary(source.Path, texts.Count, own.Count, own.Sum(d => (long)d.Length), source.Weight));
        }
        return (documents, summaries);
    }

    /// <summary>The documents of already-read files (see the class summary for the rules).</summary>
    public static List<string> DocumentsOf(IReadOnlyList<RawText> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var documents = new List<string>();
        // Record key → its sections by sort key; records keep the order their first section was read in (files come sorted).
        var records = new Dictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            if (RecordSection(text.Source) is { } section)
            {
                if (!records.TryGetValue(section.Record, out var sections)) records[section.Record] = sections = new(StringComparer.Ordinal);
                sections[section.SortKey] = Clean(text.Text);
            }
            else if (text.Source.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) documents.AddRange(CsvRows(text.Text).Select(Clean));
            else documents.AddRange(BlankLines.Split(text.Text).Select(Clean));
        }
        documents.AddRange(records.Values.Select(s => string.Join("\n", s.Values)));
        return documents.Where(d => d.Trim().Length > 0).ToList();
    }

    /// <summary>Decodes HTML entities (twice: the EMR text holds <c>&amp;amp;nbsp;</c>), drops tags and turns no-break spaces into spaces.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.IndexOf('&') < 0 && text.IndexOf('<') < 0) return text.Trim();
        string decoded = WebUtility.HtmlDecode(WebUtility.HtmlDecode(text));
        return Tag.Replace(decoded, "").Replace('\u00a0', ' ').Trim();
    }

    // ".../一般项目/一般项目-401" → (its grandparent folder and 401, the section's place in the record); null for any other file.
    private static (string Record, string SortKey)? RecordSection(string path)
    {
        string name = Path.GetFileName(path);
        string? parent = Path.GetDirectoryName(path);
        if (parent is null) return null;
        string section = Path.GetFileName(parent);
        int dash = name.LastIndexOf('-');
        if (dash <= 0 || name[..dash] != section || !long.TryParse(name[(dash + 1)..], out long number)) return null;
        int known = Array.IndexOf(SectionOrder, section);
        return ($"{Path.GetDirectoryName(parent)}\0{number}", $"{(known >= 0 ? known : SectionOrder.Length):D2}{section}");
    }

    // Rows of a CSV text after its header, each as its fields on separate lines (quoted fields may hold commas, quotes and line breaks).
    private static IEnumerable<string> CsvRows(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, header = true;
        for (int i = 0; i <= text.Length; i++)
        {
            char c = i < text.Length ? text[i] : '\n';
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"' && field.Length == 0) quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\n' || (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n'))
            {
                if (c == '\r') i++;
                fields.Add(field.ToString());
                field.Clear();
                if (!header && fields.Any(f => f.Trim().Length > 0)) yield return string.Join("\n", fields.Select(f => f.Trim()).Where(f => f.Length > 0));
                header = false;
                fields.Clear();
            }
            else field.Append(c);
        }
    }
}
