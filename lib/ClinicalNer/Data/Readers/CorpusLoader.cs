using ClinicalNer.Data.Readers;

namespace ClinicalNer.Data.Readers;

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

/// <summary>How to read a corpus: its format (detected by default), what to do with bad annotations, and the field
/// names of a JSON-lines file.</summary>
/// <param name="Format">The format, or <see cref="CorpusFormat.Auto"/>.</param>
/// <param name="Policy">Repair, drop or refuse inconsistent annotations.</param>
/// <param name="JsonLines">Field names and end convention of JSON-lines files (the defaults when null).</param>
public sealed record CorpusReadOptions(CorpusFormat Format = CorpusFormat.Auto, RepairPolicy Policy = RepairPolicy.Repair, JsonLinesFormat? JsonLines = null);

/// <summary>Training, development and (optionally) test pieces of one data set.</summary>
/// <param name="Train">Training pieces.</param>
/// <param name="Dev">Development pieces.</param>
/// <param name="Test">Test pieces, or null.</param>
/// <param name="Dataset">Where the data came from (a full path).</param>
/// <param name="Corpora">The corpora as read (with their repaired issues).</param>
public sealed record CorpusSplits(List<Document> Train, List<Document> Dev, List<Document>? Test, string Dataset, IReadOnlyList<Corpus> Corpora);

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
    public static List<Corpus> Load(string path, CorpusFormat format = CorpusFormat.Auto, RepairPolicy policy = RepairPolicy.Repair) =>
        Load(path, new CorpusReadOptions(format, policy));

    /// <summary>The corpora at <paramref name="path"/>, read as <paramref name="options"/> say.</summary>
    public static List<Corpus> Load(string path, CorpusReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        var (format, policy, jsonLines) = (options.Format, options.Policy, options.JsonLines);
        if (!File.Exists(path) && !Directory.Exists(path)) throw new FileNotFoundException($"no such file or directory: {path}", path);
        if (format == CorpusFormat.Auto) format = Detect(path);
        if (Directory.Exists(path) && format != CorpusFormat.Ccks2017Original)
        {
            string gold = Path.Combine(path, "final_gold_truth.csv");
            if (File.Exists(gold)) return [Ccks2017Reader.ReadTestGold(gold, policy: policy)];
            var files = Directory.EnumerateFiles(path).Where(f => !Path.GetFileName(f).StartsWith('.') && !f.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
                .OrderBy(f => SplitRank(Path.GetFileName(f))).ThenBy(f => f, StringComparer.Ordinal).ToList();
            if (files.Count == 0) throw new DataFormatException(new DataIssue(path, "the directory holds no corpus files"));
            // train.json beside train.txt: which one is the split is not ours to guess.
            foreach (var twins in files.GroupBy(f => Path.GetFileNameWithoutExtension(f).ToLowerInvariant()).Where(g => SplitNames.Contains(g.Key) && g.Count() > 1))
                throw new DataFormatException(new DataIssue(path, $"two files for the {twins.Key} split: {string.Join(" and ", twins.Select(Path.GetFileName))}; " +
                                                                  "keep one in the folder, or give the files with --train/--dev/--test"));
            return files.Select(f => LoadFile(f, format == CorpusFormat.Auto ? Detect(f) : format, policy, jsonLines)).ToList();
        }
        return [LoadFile(path, format, policy, jsonLines)];
    }

    /// <summary>
    /// Train, dev and optional test pieces: from a folder of splits (<paramref name="files"/> holds one path), or from
    /// two or three files (train, dev[, test]); documents are cut into pieces of at most <paramref name="maxLength"/>
    /// characters at sentence ends (offsets kept, see <see cref="Text.SentenceSplitter"/>).
    /// </summary>
    /// <exception cref="ArgumentException">When a folder holds fewer than two splits, or not one or 2-3 paths are given.</exception>
    public static CorpusSplits LoadSplits(IReadOnlyList<string> files, int maxLength, CorpusReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        options ??= new CorpusReadOptions();
        List<Corpus> corpora;
        if (files.Count == 1)
        {
            corpora = Load(files[0], options);
            if (corpora.Count < 2) throw new ArgumentException($"{files[0]} must hold at least a train and a dev split (found {corpora.Count}: {string.Join(", ", corpora.Select(c => c.Name))})");
        }
        else if (files.Count is 2 or 3) corpora = files.SelectMany(f => Load(f, options).Take(1)).ToList();
        else throw new ArgumentException($"give a folder of splits, or train and dev (and test) files; got {files.Count} paths");
        return new CorpusSplits(Pieces(corpora[0], maxLength), Pieces(corpora[1], maxLength), corpora.Count > 2 ? Pieces(corpora[2], maxLength) : null,
            Path.GetFullPath(files[0]), corpora);
    }

    /// <summary>A corpus's documents cut into pieces of at most <paramref name="maxLength"/> characters (offsets kept).</summary>
    public static List<Document> Pieces(Corpus corpus, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        return Pieces(corpus.Documents, maxLength);
    }

    /// <summary>Documents cut into pieces of at most <paramref name="maxLength"/> characters (offsets kept).</summary>
    public static List<Document> Pieces(IEnumerable<Document> documents, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        return documents.SelectMany(d => Text.SentenceSplitter.Split(d, maxLength)).Select(w => w.Piece).ToList();
    }

    /// <summary>
    /// For a corpus distributed without a dev split (tcm/cshan, kbert/msra_ner's training stand-in): every
    /// <paramref name="every"/>-th document (the last of each run of that many) held out as dev, the rest kept for training,
    /// both in their order.
    /// </summary>
    public static (List<Document> Train, List<Document> Dev) HoldOut(IReadOnlyList<Document> documents, int every = 10)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 2);
        return (documents.Where((_, i) => i % every != every - 1).ToList(), documents.Where((_, i) => i % every == every - 1).ToList());
    }

    private static Corpus LoadFile(string path, CorpusFormat format, RepairPolicy policy, JsonLinesFormat? jsonLines) => format switch
    {
        CorpusFormat.Conll => ConllReader.Read(path, policy),
        CorpusFormat.KbertTsv => KbertTsvReader.Read(path, policy),
        CorpusFormat.Ccks2017Original => Ccks2017Reader.ReadOriginal(path, policy),
        CorpusFormat.Ccks2017TestGold => Ccks2017Reader.ReadTestGold(path, policy: policy),
        CorpusFormat.JsonLines => JsonLinesReader.Read(path, jsonLines, policy),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "no reader for this format"),
    };

    private static int SplitRank(string file)
    {
        for (int k = 0; k < SplitNames.Length; k++)
            if (file.StartsWith(SplitNames[k], StringComparison.OrdinalIgnoreCase)) return k;
        return SplitNames.Length;
    }
}
