using ClinicalNer.Data.Readers;

namespace ClinicalNer.Data;

/// <summary>The supported corpus formats.</summary>
public enum CorpusFormat
{
    /// <summary>Chosen from the path (see <see cref="CorpusLoader.Detect"/>).</summary>
    Auto,
    /// <summary>char-per-line CoNLL style.</summary>
    Conll,
    /// <summary>K-BERT's TSV.</summary>
    KbertTsv,
    /// <summary>CCKS2017 original (directory or zip of *.txtoriginal.txt + annotations).</summary>
    Ccks2017Original,
    /// <summary>CCKS2017 test gold CSV with Data/Test beside it.</summary>
    Ccks2017TestGold,
    /// <summary>JSON lines with text and spans.</summary>
    JsonLines,
}

/// <summary>Loads any supported corpus, one split per file; a directory of splits gives several.</summary>
public static class CorpusLoader
{
    private static readonly string[] SplitNames = ["train", "dev", "valid", "test"];

    /// <summary>The format of a file or directory, from its name and first line.</summary>
    public static CorpusFormat Detect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
            return Directory.EnumerateFiles(path, "*.txtoriginal.txt", SearchOption.AllDirectories).Any() && !File.Exists(Path.Combine(path, "final_gold_truth.csv"))
                ? CorpusFormat.Ccks2017Original : CorpusFormat.Auto;
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".zip") return CorpusFormat.Ccks2017Original;
        if (ext is ".jsonl" or ".json") return CorpusFormat.JsonLines;
        if (ext == ".csv") return CorpusFormat.Ccks2017TestGold;
        string first = TextDecoding.ReadLines(path).Select(l => l.Text).FirstOrDefault() ?? "";
        return first.Trim() == "text_a\tlabel" ? CorpusFormat.KbertTsv : CorpusFormat.Conll;
    }

    /// <summary>
    /// The corpora at <paramref name="path"/>: the file itself, a CCKS2017 original directory, a folder
    /// with final_gold_truth.csv, or a directory whose files are splits (train/dev/test first).
    /// </summary>
    public static List<Corpus> Load(string path, CorpusFormat format = CorpusFormat.Auto, RepairPolicy policy = RepairPolicy.Repair)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path) && !Directory.Exists(path)) throw new FileNotFoundException($"no such file or directory: {path}", path);
        if (format == CorpusFormat.Auto) format = Detect(path);
        if (Directory.Exists(path) && format != CorpusFormat.Ccks2017Original)
        {
            string gold = Path.Combine(path, "final_gold_truth.csv");
            if (File.Exists(gold)) return [Ccks2017Reader.ReadTestGold(gold, policy: policy)];
            var files = Directory.EnumerateFiles(path).Where(f => !Path.GetFileName(f).StartsWith('.') && !f.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
                .OrderBy(f => SplitRank(Path.GetFileName(f))).ThenBy(f => f, StringComparer.Ordinal).ToList();
            if (files.Count == 0) throw new DataFormatException(new DataIssue(path, "the directory holds no corpus files"));
            return files.Select(f => LoadFile(f, Detect(f), policy)).ToList();
        }
        return [LoadFile(path, format, policy)];
    }

    private static Corpus LoadFile(string path, CorpusFormat format, RepairPolicy policy) => format switch
    {
        CorpusFormat.Conll => ConllReader.Read(path, policy),
        CorpusFormat.KbertTsv => KbertTsvReader.Read(path, policy),
        CorpusFormat.Ccks2017Original => Ccks2017Reader.ReadOriginal(path, policy),
        CorpusFormat.Ccks2017TestGold => Ccks2017Reader.ReadTestGold(path, policy: policy),
        CorpusFormat.JsonLines => JsonLinesReader.Read(path, policy: policy),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "no reader for this format"),
    };

    private static int SplitRank(string file)
    {
        for (int k = 0; k < SplitNames.Length; k++)
            if (file.StartsWith(SplitNames[k], StringComparison.OrdinalIgnoreCase)) return k;
        return SplitNames.Length;
    }
}
