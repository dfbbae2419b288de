using System.CommandLine;
using System.Globalization;
using ClinicalNer.Data;
using ClinicalNer.Data.Readers;
using ClinicalNer.Embeddings;
using ClinicalNer.Text;
using ClinicalNer.Text.Lexicon;

namespace Cli.Commands;

/// <summary>
/// <c>lab word2vec --input PATH [--input PATH ...] --out vec.txt [--dim 50] [--window 4] [--epochs 3] [--cbow] [--bigrams | --words LEXICON]</c>:
/// character vectors from unlabeled text (files or folders, UTF-8 or GB18030); with <c>--bigrams</c>, vectors of character
/// bigrams (<see cref="CharacterBigrams"/>) for <c>lab train --pretrained-bigrams</c>; with <c>--words</c>, vectors of the
/// words of the text segmented by bidirectional maximum matching against the lexicons, for <c>lab train --pretrained-words</c>.
/// Defaults are <see cref="Word2VecOptions"/>'s.
/// </summary>
internal static class Word2VecCommand
{
    public static Command Build()
    {
        var d = new Word2VecOptions();
        var inputs = Options.ExistingPaths("--input", "raw text files or folders (repeatable)", required: true);
        var output = Options.OutputFile("--out", "the vectors, word2vec text format");
        var dim = Options.Int("--dim", "vector size", d.Dimension);
        var window = Options.Int("--window", "context window", d.Window);
        var epochs = Options.Int("--epochs", "passes over the text", d.Epochs);
        var minCount = Options.Int("--min-count", "ignore tokens seen fewer times", d.MinCount);
        var cbow = Options.Flag("--cbow", "CBOW instead of skip-gram");
        var bigrams = Options.Flag("--bigrams", "vectors of character bigrams instead of characters");
        var words = Options.ExistingPaths("--words", "vectors of words: the text segmented by bidirectional maximum matching against these lexicons (repeatable)");
        var engine = Options.Choice("--engine", "who trains: fastText (skip-gram/CBOW, subword n-grams off, one thread) or this project's trainer", "fasttext", "fasttext", "torch");
        var command = new Command("word2vec", "character, bigram or word vectors from unlabeled text, word2vec text format")
        {
            inputs, output, dim, window, epochs, minCount, cbow, bigrams, words, engine,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(bigrams) && r.GetValue(words) is { Length: > 0 }) r.AddError("--bigrams and --words exclude each other: vectors of one kind per file");
        });
        command.SetAction(r => Run(r.GetValue(inputs)!, r.GetValue(output)!, r.GetValue(bigrams), r.GetValue(words) ?? [], d with
        {
            Dimension = r.GetValue(dim), Window = r.GetValue(window), Epochs = r.GetValue(epochs), MinCount = r.GetValue(minCount),
            Architecture = r.GetValue(cbow) ? Word2VecArchitecture.Cbow : Word2VecArchitecture.SkipGram,
            Engine = r.GetValue(engine) == "torch" ? Word2VecEngine.Torch : Word2VecEngine.FastText,
        }));
        return command;
    }

    private static int Run(string[] inputs, string output, bool bigrams, string[] lexicons, Word2VecOptions options)
    {
        var matcher = lexicons.Length == 0 ? null : new MaxMatcher(lexicons.SelectMany(f => LexiconReader.ReadLexicon(f).Keys).Distinct(StringComparer.Ordinal));
        string unit = bigrams ? "bigrams" : matcher is null ? "characters" : "words";
        var sentences = new List<IReadOnlyList<string>>();
        foreach (string path in inputs)
            foreach (var text in RawTextReader.Read(path))
                foreach (string line in text.Text.Split('\n'))
                {
                    var chars = Document.SplitChars(line.Trim()).Where(c => !string.IsNullOrWhiteSpace(c)).ToList();
                    if (chars.Count > 1)
                        sentences.Add(bigrams ? CharacterBigrams.Of(chars).ToList()
                            : matcher is null ? chars
                            : matcher.Bidirectional(chars).Select(w => string.Concat(chars.Skip(w.Start).Take(w.Length))).ToList());
                }
        if (sentences.Count == 0) throw new ArgumentException($"no text of two or more characters in {string.Join(", ", inputs)}");
        Console.WriteLine($"{sentences.Count:N0} lines, {sentences.Sum(s => (long)s.Count):N0} {unit}; trained by {(options.Engine == Word2VecEngine.FastText ? "fastText" : "this project's trainer")}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var vectors = Word2Vec.Train(sentences, options, (epoch, fraction, loss) =>
            Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\repoch {epoch}  {fraction * 100,5:F1}%  loss {loss:F4}   ")));
        Console.Error.WriteLine();
        string? folder = Path.GetDirectoryName(Path.GetFullPath(output));
        if (folder is not null) Directory.CreateDirectory(folder);
        vectors.Save(output);
        Console.WriteLine($"{vectors.Tokens.Count:N0} vectors of {vectors.Dimension} in {clock.Elapsed.TotalSeconds:F0}s → {output}");
        return ExitCode.Ok;
    }
}
