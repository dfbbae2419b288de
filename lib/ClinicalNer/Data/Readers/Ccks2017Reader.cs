using System.Globalization;
using System.IO.Compression;

namespace ClinicalNer.Data.Readers;

/// <summary>
/// The CCKS2017 CNER task in its original form: per record and section a text file
/// <c>X-n.txtoriginal.txt</c> and an annotation file <c>X-n.txt</c> with lines
/// <c>entity\tstart\tend\ttype</c> (end inclusive, CRLF), in a directory or a zip; and the official
/// test set's gold CSV (<c>rid,section,"entity start end type;..."</c>) beside <c>Data/Test/</c>.
/// </summary>
public static class Ccks2017Reader
{
    /// <summary>The five types, from the corpus's Chinese names to the short names the papers use.</summary>
    public static IReadOnlyDictionary<string, string> TypeNames { get; } = new Dictionary<string, string>
    {
        ["身体部位"] = "BODY", ["症状和体征"] = "SIGNS", ["检查和检验"] = "CHECK", ["疾病和诊断"] = "DISEASE", ["治疗"] = "TREATMENT",
    };

    /// <summary>Reads every annotated file of a directory tree or a zip (documents sorted by section and number).</summary>
    /// <exception cref="DataFormatException">For a malformed annotation line or (under Strict) an entity that does not match the text.</exception>
    public static Corpus ReadOriginal(string path, RepairPolicy policy = RepairPolicy.Repair)
    {
        var files = new SortedDictionary<string, (Func<byte[]> Text, Func<byte[]>? Annotations)>(StringComparer.Ordinal);
        ZipArchive? zip = null;
        try
        {
            if (File.Exists(path))
            {
                zip = ZipFile.OpenRead(path);
                foreach (ZipArchiveEntry e in zip.Entries.Where(e => e.FullName.EndsWith(".txtoriginal.txt", StringComparison.Ordinal)))
                {
                    string stem = e.FullName[..^".txtoriginal.txt".Length];
                    ZipArchiveEntry? ann = zip.GetEntry(stem + ".txt");
                    files[stem] = (() => ReadEntry(e), ann is null ? null : () => ReadEntry(ann));
                }
            }
            else if (Directory.Exists(path))
            {
                foreach (string f in Directory.EnumerateFiles(path, "*.txtoriginal.txt", SearchOption.AllDirectories))
                {
                    string stem = f[..^".txtoriginal.txt".Length];
                    string ann = stem + ".txt";
                    files[Path.GetRelativePath(path, stem)] = (() => File.ReadAllBytes(f), File.Exists(ann) ? () => File.ReadAllBytes(ann) : null);
                }
            }
            else throw new FileNotFoundException($"no such file or directory: {path}", path);
            if (files.Count == 0) throw new DataFormatException(new DataIssue(path, "no *.txtoriginal.txt files found: not the CCKS2017 original layout"));

            var documents = new List<Document>();
            var issues = new List<DataIssue>();
            foreach (var (stem, (text, annotations)) in files.OrderBy(f => SortKey(f.Key)))
            {
                string where = zip is null ? Path.Combine(path, stem) : $"{path}!{stem}";
                string content = TextDecoding.Decode(text(), where + ".txtoriginal.txt").Text;
                if (annotations is null)
                {
                    Problem(issues, policy, new DataIssue(where + ".txt", "annotation file missing; document kept without entities"));
                    documents.Add(Document.Create(Path.GetFileName(stem), content, [], where));
                    continue;
                }
                var spans = ParseAnnotations(TextDecoding.Decode(annotations(), where + ".txt").Text, content, where + ".txt", policy, issues);
                documents.Add(Document.Create(Path.GetFileName(stem), content, spans, where + ".txtoriginal.txt"));
            }
            return new Corpus(Path.GetFileName(path), documents, issues);
        }
        finally
        {
            zip?.Dispose();
        }
    }

    /// <summary>
    /// Reads the official test set: the gold CSV and the texts under <paramref name="textRoot"/>
    /// (default: <c>Data/Test</c> beside the CSV), file <c>&lt;section&gt;/&lt;section&gt;-&lt;rid&gt;.txtoriginal.txt</c>.
    /// </summary>
    public static Corpus ReadTestGold(string csvPath, string? textRoot = null, RepairPolicy policy = RepairPolicy.Repair)
    {
        textRoot ??= Path.Combine(Path.GetDirectoryName(Path.GetFullPath(csvPath))!, "Data", "Test");
        var documents = new List<Document>();
        var issues = new List<DataIssue>();
        foreach (var (lineNo, line) in TextDecoding.ReadLines(csvPath))
        {
            if (line.Trim().Length == 0) continue;
            string where = $"{csvPath}:{lineNo}";
            string[] head = line.Split(',', 3);
            if (head.Length < 3) throw new DataFormatException(new DataIssue(where, "expected 'rid,section,entities'"));
            string rid = head[0].Trim(), section = head[1].Trim();
            string textFile = Path.Combine(textRoot, section, $"{section}-{rid}.txtoriginal.txt");
            if (!File.Exists(textFile)) throw new DataFormatException(new DataIssue(where, $"text file not found: {textFile}"));
            string text = TextDecoding.ReadAllText(textFile).Text;
            var spans = new List<EntitySpan>();
            foreach (string item in Unquote(head[2].Trim()).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                string[] parts = item.Split(' ');
                if (parts.Length < 4 || !int.TryParse(parts[^3], CultureInfo.InvariantCulture, out int s) || !int.TryParse(parts[^2], CultureInfo.InvariantCulture, out int e))
                    throw new DataFormatException(new DataIssue(where, $"expected 'entity start end type', got {DataIssue.Quote(item)}"));
                AddSpan(spans, string.Join(' ', parts[..^3]), s, e, parts[^1], text, where, policy, issues);
            }
            documents.Add(Document.Create($"{section}-{rid}", text, spans, textFile));
        }
        return new Corpus(Path.GetFileName(csvPath), documents, issues);
    }

    // A CSV field in quotes has its inner quotes doubled ("" stands for ").
    private static string Unquote(string field) =>
        field.Length >= 2 && field[0] == '"' && field[^1] == '"' ? field[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : field;

    private static List<EntitySpan> ParseAnnotations(string annotations, string text, string where, RepairPolicy policy, List<DataIssue> issues)
    {
        var spans = new List<EntitySpan>();
        int lineNo = 0;
        foreach (string raw in annotations.Split('\n'))
        {
            lineNo++;
            string line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            string[] f = line.Split('\t');
            if (f.Length != 4 || !int.TryParse(f[1], CultureInfo.InvariantCulture, out int s) || !int.TryParse(f[2], CultureInfo.InvariantCulture, out int e))
                throw new DataFormatException(new DataIssue($"{where}:{lineNo}", $"expected 'entity<TAB>start<TAB>end<TAB>type', got {DataIssue.Quote(line)}"));
            AddSpan(spans, f[0], s, e, f[3].Trim(), text, $"{where}:{lineNo}", policy, issues);
        }
        return spans;
    }

    // start and end are inclusive character offsets.
    private static void AddSpan(List<EntitySpan> spans, string surface, int start, int endInclusive, string type, string text, string where,
        RepairPolicy policy, List<DataIssue> issues)
    {
        if (!TypeNames.TryGetValue(type, out string? shortType))
        {
            Problem(issues, policy, new DataIssue(where, $"unknown entity type '{type}' (expected one of {string.Join(", ", TypeNames.Keys)}); entity dropped"));
            return;
        }
        if (start < 0 || endInclusive < start || endInclusive >= text.Length)
        {
            Problem(issues, policy, new DataIssue(where, $"entity '{surface}' [{start}, {endInclusive}] lies outside a text of {text.Length} characters; dropped"));
            return;
        }
        string actual = text.Substring(start, endInclusive - start + 1);
        if (actual != surface)
            Problem(issues, policy, new DataIssue(where, $"entity '{surface}' does not match the text at [{start}, {endInclusive}] ('{actual}'); offsets kept"));
        spans.Add(new EntitySpan(start, endInclusive + 1, shortType));
    }

    private static void Problem(List<DataIssue> issues, RepairPolicy policy, DataIssue issue)
    {
        if (policy == RepairPolicy.Strict) throw new DataFormatException(issue);
        issues.Add(issue);
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry)
    {
        using Stream s = entry.Open();
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    // "一般项目/一般项目-10" sorts after "一般项目-9".
    private static (string, int) SortKey(string stem)
    {
        int dash = stem.LastIndexOf('-');
        return dash >= 0 && int.TryParse(stem[(dash + 1)..], CultureInfo.InvariantCulture, out int n) ? (stem[..dash], n) : (stem, 0);
    }
}
