namespace ClinicalNer.Data.Readers;

/// <summary>One unlabeled text and where it came from.</summary>
public sealed record RawText(string Source, string Text, string Encoding);

/// <summary>Unlabeled text for pretraining: one file, or every file under a directory (sorted by path).</summary>
public static class RawTextReader
{
    /// <summary>
    /// Reads UTF-8 (with or without BOM) or GB18030 files; empty files are skipped. CSV files (the
    /// medical dialogue set's <c>department,title,ask,answer</c>) are read as text too.
    /// </summary>
    /// <exception cref="DataFormatException">For a file that is neither UTF-8 nor GB18030.</exception>
    public static IEnumerable<RawText> Read(string path)
    {
        IEnumerable<string> files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => !Path.GetFileName(f).StartsWith('.') && !Path.GetFileName(f).Equals("LICENSE", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
            : File.Exists(path) ? [path] : throw new FileNotFoundException($"no such file or directory: {path}", path);
        foreach (string f in files)
        {
            var (text, encoding) = TextDecoding.ReadAllText(f);
            if (text.Trim().Length > 0) yield return new RawText(f, text, encoding);
        }
    }
}
