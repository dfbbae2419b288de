using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ClinicalNer.Embeddings;

/// <summary>
/// Token vectors trained by fastText (Bojanowski et al. 2017; Debian's <c>fasttext</c> program, installed by
/// <c>./lab setup</c>), the field's tool: skip-gram or CBOW with negative sampling over the same sentences and options as
/// <see cref="Word2Vec.Train"/>, with subword n-grams off (<c>-minn 0 -maxn 0</c>), so it trains word2vec's models. The
/// vectors come back as a <see cref="Word2Vec"/>.
/// </summary>
/// <remarks>
/// fastText splits its input at whitespace, so tokens that hold whitespace (a space or an ideographic space character)
/// are written under stand-in names and given back their own. With one thread (the default) a run is reproducible.
/// </remarks>
public static class FastText
{
    /// <summary>The program: <c>$CNER_FASTTEXT</c>, else <c>fasttext</c> on the PATH.</summary>
    public static string? ProgramPath =>
        Environment.GetEnvironmentVariable("CNER_FASTTEXT") is { Length: > 0 } p ? p
        : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "fasttext")).FirstOrDefault(File.Exists);

    /// <summary>Trains vectors on tokenised sentences with fastText.</summary>
    /// <param name="sentences">Each sentence as a list of tokens.</param>
    /// <param name="options">The word2vec options (size, window, negatives, min count, epochs, subsampling, architecture, seed); fastText's own learning rate.</param>
    /// <param name="threads">fastText's threads (1: reproducible).</param>
    /// <exception cref="InvalidOperationException">When fastText is not installed or fails (its message named).</exception>
    public static Word2Vec Train(IReadOnlyList<IReadOnlyList<string>> sentences, Word2VecOptions? options = null, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        options ??= new Word2VecOptions();
        string program = ProgramPath ?? throw new InvalidOperationException("fastText is not installed: ./lab setup installs Debian's fasttext (or set CNER_FASTTEXT)");
        string dir = Directory.CreateTempSubdirectory("cner-fasttext").FullName;
        try
        {
            // Whitespace inside a token would split it: such tokens go under a stand-in name.
            var standIns = new Dictionary<string, string>(StringComparer.Ordinal);
            string Name(string token)
            {
                if (!token.Any(char.IsWhiteSpace) && token.Length > 0) return token;
                if (!standIns.TryGetValue(token, out string? name))
                    standIns[token] = name = "<ws" + string.Concat(token.Select(c => ((int)c).ToString("x4", CultureInfo.InvariantCulture))) + ">";
                return name;
            }
            string corpus = Path.Combine(dir, "corpus.txt");
            using (var writer = new StreamWriter(corpus, false, new UTF8Encoding(false)))
                foreach (var s in sentences.Where(s => s.Count > 1)) writer.WriteLine(string.Join(' ', s.Select(Name)));
            string model = Path.Combine(dir, "vectors");
            var args = new[]
            {
                options.Architecture == Word2VecArchitecture.Cbow ? "cbow" : "skipgram", "-input", corpus, "-output", model,
                "-dim", Num(options.Dimension), "-ws", Num(options.Window), "-epoch", Num(options.Epochs), "-minCount", Num(options.MinCount),
                "-neg", Num(options.Negatives), "-minn", "0", "-maxn", "0", "-t", options.Subsample > 0 ? options.Subsample.ToString("R", CultureInfo.InvariantCulture) : "1",   // fastText keeps every token at t = 1, none at 0
                "-thread", Num(threads), "-seed", Num(options.Seed), "-verbose", "0",
            };
            var psi = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string a in args) psi.ArgumentList.Add(a);
            using (var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}"))
            {
                var stdout = p.StandardOutput.ReadToEndAsync();
                string stderr = p.StandardError.ReadToEnd();
                p.WaitForExit();
                _ = stdout.Result;
                if (p.ExitCode != 0) throw new InvalidOperationException($"fastText failed (exit {p.ExitCode}): {stderr.Trim().Split('\n').LastOrDefault()}");
            }
            var vectors = Word2Vec.Load(model + ".vec");
            // fastText's own end-of-line token goes (unless the text had it), and stand-ins get their tokens back.
            bool endToken = sentences.Any(s => s.Contains(EndOfLine));
            var back = standIns.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);
            var kept = Enumerable.Range(0, vectors.Tokens.Count).Where(k => endToken || vectors.Tokens[k] != EndOfLine).ToList();
            return Word2Vec.FromVectors(kept.Select(k => back.GetValueOrDefault(vectors.Tokens[k], vectors.Tokens[k])).ToList(),
                kept.SelectMany(k => vectors.Vectors.AsSpan(k * vectors.Dimension, vectors.Dimension).ToArray()).ToArray(), vectors.Dimension);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private const string EndOfLine = "</s>";

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
}
