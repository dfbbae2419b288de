using System.Globalization;
using ClinicalNer.Data;
using ClinicalNer.Data.Readers;
using ClinicalNer.Embeddings;
using ClinicalNer.Text;

namespace Cli.Commands;

/// <summary>
/// <c>lab word2vec --input PATH [--input PATH ...] --out vec.txt [--dim 100] [--window 4] [--epochs 3] [--cbow] [--bigrams]</c>:
/// character vectors from unlabeled text (files or folders, UTF-8 or GB18030) and/or corpora; with
/// <c>--bigrams</c>, vectors of character bigrams (<see cref="CharacterBigrams"/>) for <c>lab train --pretrained-bigrams</c>.
/// </summary>
internal static class Word2VecCommand
{
    public static int Run(string[] args)
    {
        string output = CliOptions.Get(args, "--out") ?? throw new ArgumentException("usage: lab word2vec --input PATH --out vec.txt [--dim 100] [--window 4] [--epochs 3] [--cbow] [--bigrams]");
        bool bigrams = CliOptions.Has(args, "--bigrams");
        var inputs = args.Select((a, i) => (a, i)).Where(x => x.a == "--input" && x.i + 1 < args.Length).Select(x => args[x.i + 1]).ToList();
        if (inputs.Count == 0) throw new ArgumentException("give at least one --input PATH");
        var sentences = new List<IReadOnlyList<string>>();
        foreach (string path in inputs)
            foreach (var text in RawTextReader.Read(path))
                foreach (string line in text.Text.Split('\n'))
                {
                    var chars = Document.SplitChars(line.Trim()).Where(c => !string.IsNullOrWhiteSpace(c)).ToList();
                    if (chars.Count > 1) sentences.Add(bigrams ? CharacterBigrams.Of(chars).ToList() : chars);
                }
        Console.WriteLine($"{sentences.Count:N0} lines, {sentences.Sum(s => (long)s.Count):N0} {(bigrams ? "bigrams" : "characters")}");
        var options = new Word2VecOptions(
            Dimension: TrainCommand.Int(args, "--dim", 100), Window: TrainCommand.Int(args, "--window", 4), Epochs: TrainCommand.Int(args, "--epochs", 3),
            MinCount: TrainCommand.Int(args, "--min-count", 2), Architecture: CliOptions.Has(args, "--cbow") ? Word2VecArchitecture.Cbow : Word2VecArchitecture.SkipGram);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var vectors = Word2Vec.Train(sentences, options, (epoch, fraction, loss) =>
            Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\repoch {epoch}  {fraction * 100,5:F1}%  loss {loss:F4}   ")));
        Console.Error.WriteLine();
        vectors.Save(output);
        Console.WriteLine($"{vectors.Tokens.Count:N0} vectors of {vectors.Dimension} in {clock.Elapsed.TotalSeconds:F0}s → {output}");
        return 0;
    }
}
