using ClinicalNer.Data;
using ClinicalNer.Text;

namespace Cli.Commands;

/// <summary>Reads --data DIR (train/dev/test files inside) or --train/--dev/--test files, split into pieces of bounded length.</summary>
internal static class CorpusArguments
{
    public static (List<Document> Train, List<Document> Dev, List<Document>? Test, string Dataset) Splits(string[] args, int maxLength)
    {
        List<Corpus> corpora;
        string dataset;
        if (CliOptions.Get(args, "--data") is { } dir)
        {
            corpora = CorpusLoader.Load(dir);
            if (corpora.Count < 2) throw new ArgumentException($"--data {dir} must hold at least a train and a dev file (found {corpora.Count})");
            dataset = Path.GetFullPath(dir);
        }
        else
        {
            string train = CliOptions.Get(args, "--train") ?? throw new ArgumentException("give --data DIR, or --train FILE and --dev FILE");
            string dev = CliOptions.Get(args, "--dev") ?? throw new ArgumentException("--dev FILE is required with --train");
            corpora = [.. CorpusLoader.Load(train), .. CorpusLoader.Load(dev)];
            if (CliOptions.Get(args, "--test") is { } test) corpora.AddRange(CorpusLoader.Load(test));
            dataset = Path.GetFullPath(train);
        }
        foreach (var c in corpora.Where(c => c.Issues.Count > 0))
            Console.Error.WriteLine($"{c.Name}: {c.Issues.Count} annotation issue(s) repaired, first: {c.Issues[0]}");
        List<Document> Pieces(Corpus c) => c.Documents.SelectMany(d => SentenceSplitter.Split(d, maxLength)).Select(w => w.Piece).ToList();
        return (Pieces(corpora[0]), Pieces(corpora[1]), corpora.Count > 2 ? Pieces(corpora[2]) : null, dataset);
    }

    /// <summary>One corpus (file or the split named by --split in a directory), in pieces.</summary>
    public static (List<Document> Documents, string Name) One(string path, string? split, int maxLength)
    {
        var corpora = CorpusLoader.Load(path);
        Corpus corpus = split is null ? corpora[^1]
            : corpora.FirstOrDefault(c => c.Name.StartsWith(split, StringComparison.OrdinalIgnoreCase))
              ?? throw new ArgumentException($"no '{split}' split in {path} (have: {string.Join(", ", corpora.Select(c => c.Name))})");
        return (corpus.Documents.SelectMany(d => SentenceSplitter.Split(d, maxLength)).Select(w => w.Piece).ToList(), corpus.Name);
    }
}
