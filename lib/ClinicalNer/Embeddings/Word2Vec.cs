using System.Globalization;
using System.Text;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Embeddings;

/// <summary>Word2vec's two architectures.</summary>
public enum Word2VecArchitecture
{
    /// <summary>Predict each context token from the centre token.</summary>
    SkipGram,
    /// <summary>Predict the centre token from the mean of its context.</summary>
    Cbow,
}

/// <summary>Hyper-parameters of <see cref="Word2Vec"/> (the LSTM-CRF paper uses 50 dimensions and window 4).</summary>
/// <param name="Dimension">Vector size.</param>
/// <param name="Window">Context tokens on each side (word2vec samples a window up to this for each centre).</param>
/// <param name="Negatives">Negative samples per positive pair.</param>
/// <param name="MinCount">Tokens rarer than this are dropped.</param>
/// <param name="Epochs">Passes over the corpus.</param>
/// <param name="LearningRate">Initial Adam learning rate, decayed linearly to 1e-4 of it.</param>
/// <param name="BatchSize">Centre tokens per step.</param>
/// <param name="Subsample">Frequent-token subsampling threshold (0 = off).</param>
/// <param name="Architecture">Skip-gram or CBOW.</param>
/// <param name="Seed">Seeds sampling and initialisation.</param>
/// <param name="Engine">Who trains: fastText (the field's tool, <see cref="FastText"/>) or this project's batched trainer.</param>
public sealed record Word2VecOptions(int Dimension = 50, int Window = 4, int Negatives = 5, int MinCount = 2, int Epochs = 3,
    double LearningRate = 0.01, int BatchSize = 2048, double Subsample = 1e-3, Word2VecArchitecture Architecture = Word2VecArchitecture.SkipGram, int Seed = 1,
    Word2VecEngine Engine = Word2VecEngine.Torch);

/// <summary>Who trains the vectors.</summary>
public enum Word2VecEngine
{
    /// <summary>This project's batched negative-sampling trainer on the torch binding.</summary>
    Torch,
    /// <summary>fastText (Debian's <c>fasttext</c>) with subword n-grams off: word2vec's models, about 9x faster on one core.</summary>
    FastText,
}

/// <summary>
/// Word2vec with negative sampling (Mikolov et al., 2013), batched on the torch binding: token
/// vectors trained on sentences of tokens (characters, or words from a segmentation), saved and
/// loaded in the word2vec text format. Batches of centres are optimised with Adam on the mean loss
/// (the original's per-pair SGD does not survive batching: frequent tokens sum huge gradients).
/// </summary>
public sealed class Word2Vec
{
    private Word2Vec(IReadOnlyList<string> tokens, float[] vectors, int dimension)
    {
        Tokens = tokens;
        Vectors = vectors;
        Dimension = dimension;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < tokens.Count; k++) index[tokens[k]] = k;
        Index = index;
    }

    /// <summary>Vectors given as rows (tokens × dimension).</summary>
    public static Word2Vec FromVectors(IReadOnlyList<string> tokens, float[] vectors, int dimension)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Length != (long)tokens.Count * dimension) throw new ArgumentException($"{tokens.Count} tokens of {dimension} values need {tokens.Count * dimension} values, not {vectors.Length}");
        return new Word2Vec(tokens, vectors, dimension);
    }

    /// <summary>The vocabulary, most frequent first.</summary>
    public IReadOnlyList<string> Tokens { get; }
    /// <summary>Row-major (tokens × dimension) vectors.</summary>
    public float[] Vectors { get; }
    /// <summary>Vector size.</summary>
    public int Dimension { get; }
    /// <summary>Token → row.</summary>
    public IReadOnlyDictionary<string, int> Index { get; }

    /// <summary>The vector of a token, or null when it is not in the vocabulary.</summary>
    public float[]? this[string token] => Index.TryGetValue(token, out int k) ? Vectors.AsSpan(k * Dimension, Dimension).ToArray() : null;

    /// <summary>Cosine similarity of two tokens (both must be known).</summary>
    public double Similarity(string a, string b)
    {
        float[] u = this[a] ?? throw new KeyNotFoundException($"'{a}' has no vector");
        float[] v = this[b] ?? throw new KeyNotFoundException($"'{b}' has no vector");
        double dot = 0, nu = 0, nv = 0;
        for (int k = 0; k < Dimension; k++) { dot += u[k] * v[k]; nu += u[k] * u[k]; nv += v[k] * v[k]; }
        return dot / Math.Sqrt(nu * nv + 1e-12);
    }

    /// <summary>Trains vectors on tokenised sentences.</summary>
    /// <param name="sentences">Each sentence as a list of tokens.</param>
    /// <param name="options">Hyper-parameters.</param>
    /// <param name="progress">Called with (epoch, fraction done, mean loss) now and then.</param>
    public static Word2Vec Train(IReadOnlyList<IReadOnlyList<string>> sentences, Word2VecOptions? options = null, Action<int, double, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        options ??= new Word2VecOptions();
        if (options.Engine == Word2VecEngine.FastText) return FastText.Train(sentences, options);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in sentences) foreach (string t in s) counts[t] = counts.GetValueOrDefault(t) + 1;
        var vocab = counts.Where(kv => kv.Value >= options.MinCount).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key).ToList();
        if (vocab.Count < 2) throw new ArgumentException($"fewer than 2 tokens occur at least {options.MinCount} times: nothing to train");
        var index = vocab.Select((t, k) => (t, k)).ToDictionary(x => x.t, x => x.k, StringComparer.Ordinal);
        long total = vocab.Sum(t => counts[t]);
        var rng = new Random(options.Seed);
        manual_seed(options.Seed);

        // Noise distribution: unigram^0.75, as word2vec.
        using var scope = NewDisposeScope();
        var noise = tensor(vocab.Select(t => Math.Pow(counts[t], 0.75)).ToArray()).@float();
        int d = options.Dimension;
        var input = (rand([vocab.Count, d]) - 0.5) / d;              // (V, d): the vectors kept
        var output = zeros([vocab.Count, d]);                         // (V, d): context vectors
        using var inputParam = new nn.Parameter(input);
        using var outputParam = new nn.Parameter(output);
        using var adam = optim.Adam([inputParam, outputParam], lr: options.LearningRate);
        var ids = sentences.Select(s => s.Where(index.ContainsKey).Select(t => index[t]).ToArray()).Where(s => s.Length > 1).ToList();
        double keepThreshold = options.Subsample * total;
        long centresPerEpoch = ids.Sum(s => (long)s.Length), done = 0, all = centresPerEpoch * options.Epochs;

        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var centres = new List<int>();
            var contexts = new List<int[]>();
            double lossSum = 0;
            int steps = 0;
            foreach (int[] s in ids.OrderBy(_ => rng.Next()))
            {
                for (int i = 0; i < s.Length; i++)
                {
                    if (options.Subsample > 0)
                    {
                        double f = counts[vocab[s[i]]];
                        double keep = (Math.Sqrt(f / keepThreshold) + 1) * keepThreshold / f;
                        if (rng.NextDouble() > keep) continue;
                    }
                    int b = rng.Next(1, options.Window + 1);
                    var ctx = new List<int>();
                    for (int j = Math.Max(0, i - b); j <= Math.Min(s.Length - 1, i + b); j++) if (j != i) ctx.Add(s[j]);
                    if (ctx.Count == 0) continue;
                    centres.Add(s[i]);
                    contexts.Add(ctx.ToArray());
                    if (centres.Count == options.BatchSize)
                    {
                        done += centres.Count;
                        lossSum += Step(centres, contexts);
                        steps++;
                        if (steps % 200 == 0) progress?.Invoke(epoch, (double)done / all, lossSum / steps);
                        centres.Clear();
                        contexts.Clear();
                    }
                }
            }
            if (centres.Count > 0) { done += centres.Count; lossSum += Step(centres, contexts); steps++; }
            progress?.Invoke(epoch, (double)done / all, lossSum / Math.Max(1, steps));
        }
        return new Word2Vec(vocab, inputParam.detach().contiguous().data<float>(), d);

        double Step(List<int> centre, List<int[]> context)
        {
            using var step = NewDisposeScope();
            adam.ParamGroups[0].LearningRate = options.LearningRate * Math.Max(1e-4, 1 - (double)done / all);
            int n = centre.Count, width = context.Max(c => c.Length);
            var ctxIds = new long[n * width];
            var ctxMask = new float[n * width];
            for (int k = 0; k < n; k++)
                for (int j = 0; j < context[k].Length; j++) { ctxIds[k * width + j] = context[k][j]; ctxMask[k * width + j] = 1; }
            var c = tensor(centre.Select(x => (long)x).ToArray());
            var ctxT = tensor(ctxIds, [n, width]);
            var mask = tensor(ctxMask, [n, width]);
            Tensor loss;
            if (options.Architecture == Word2VecArchitecture.SkipGram)
            {
                var u = inputParam.index_select(0, c).unsqueeze(1);                             // (n, 1, d)
                var pos = (outputParam.index_select(0, ctxT.flatten()).view(n, width, d) * u).sum(2); // (n, width)
                var negIds = multinomial(noise, (long)n * width * options.Negatives, replacement: true).view(n, width * options.Negatives);
                var neg = (outputParam.index_select(0, negIds.flatten()).view(n, width * options.Negatives, d) * u).sum(2); // (n, w·k)
                var negMask = mask.repeat_interleave_columns(options.Negatives);
                loss = -(nn.functional.log_sigmoid(pos) * mask).sum() - (nn.functional.log_sigmoid(-neg) * negMask).sum();
            }
            else
            {
                var ctxVec = (inputParam.index_select(0, ctxT.flatten()).view(n, width, d) * mask.unsqueeze(2)).sum(1) / mask.sum(1, keepdim: true); // (n, d)
                var pos = (outputParam.index_select(0, c) * ctxVec).sum(1);                                   // (n)
                var negIds = multinomial(noise, (long)n * options.Negatives, replacement: true).view(n, options.Negatives);
                var neg = (outputParam.index_select(0, negIds.flatten()).view(n, options.Negatives, d) * ctxVec.unsqueeze(1)).sum(2);
                loss = -nn.functional.log_sigmoid(pos).sum() - nn.functional.log_sigmoid(-neg).sum();
            }
            loss = loss / n;
            adam.zero_grad();
            loss.backward();
            adam.step();
            return loss.item<float>();
        }
    }

    /// <summary>
    /// Writes the word2vec text format: "count dim", then "token v1 … vd" per line. A token may hold spaces (a character
    /// vocabulary has " " and "\u3000"): <see cref="Load"/> takes the last d fields as the values and the rest as the token.
    /// </summary>
    /// <exception cref="ArgumentException">For a token holding a line break, which the format cannot carry.</exception>
    public void Save(string path)
    {
        for (int k = 0; k < Tokens.Count; k++)
            if (Tokens[k].AsSpan().IndexOfAny('\n', '\r') >= 0)
                throw new ArgumentException($"token {k} ({Data.DataIssue.Quote(Tokens[k], 20)}) holds a line break, which the word2vec text format cannot carry; train on lines without them");
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        w.Write(string.Create(CultureInfo.InvariantCulture, $"{Tokens.Count} {Dimension}\n"));
        for (int k = 0; k < Tokens.Count; k++)
        {
            w.Write(Tokens[k]);
            for (int j = 0; j < Dimension; j++) w.Write(' ' + Vectors[k * Dimension + j].ToString("G9", CultureInfo.InvariantCulture));
            w.Write('\n');
        }
    }

    /// <summary>Reads the word2vec text format; a line's last d fields are its values, everything before them its token.</summary>
    /// <exception cref="Data.DataFormatException">For a bad header or a line with the wrong number of values (file and line named).</exception>
    public static Word2Vec Load(string path)
    {
        var lines = Data.Readers.TextDecoding.ReadLines(path).GetEnumerator();
        if (!lines.MoveNext()) throw new Data.DataFormatException(new Data.DataIssue($"{path}:1", "empty file: expected 'count dimension'"));
        string[] head = lines.Current.Text.Trim().Split(' ');
        if (head.Length != 2 || !int.TryParse(head[0], CultureInfo.InvariantCulture, out int count) || !int.TryParse(head[1], CultureInfo.InvariantCulture, out int dim))
            throw new Data.DataFormatException(new Data.DataIssue($"{path}:1", $"expected 'count dimension', got {Data.DataIssue.Quote(lines.Current.Text)}"));
        var tokens = new List<string>(count);
        var vectors = new float[count * dim];
        while (lines.MoveNext())
        {
            // Only the end is trimmed: a token may be a space itself (its line then starts with one).
            string line = lines.Current.Text.TrimEnd(' ', '\t');
            if (line.Length == 0) continue;
            string[] f = line.Split(' ');
            if (f.Length < dim + 1 || tokens.Count >= count)
                throw new Data.DataFormatException(new Data.DataIssue($"{path}:{lines.Current.Line}", tokens.Count >= count ? $"more than the {count} vectors the header announces" : $"expected a token and {dim} values, got {f.Length - 1}"));
            int first = f.Length - dim;
            string token = string.Join(' ', f, 0, first);
            for (int j = 0; j < dim; j++)
                if (!float.TryParse(f[first + j], NumberStyles.Float, CultureInfo.InvariantCulture, out vectors[tokens.Count * dim + j]))
                    throw new Data.DataFormatException(new Data.DataIssue($"{path}:{lines.Current.Line}", $"value {j + 1} of '{Data.DataIssue.Quote(token, 20)}' is not a number: {Data.DataIssue.Quote(f[first + j], 20)}"));
            tokens.Add(token);
        }
        if (tokens.Count != count) throw new Data.DataFormatException(new Data.DataIssue(path, $"the header announces {count} vectors, the file has {tokens.Count}"));
        return new Word2Vec(tokens, vectors, dim);
    }

    /// <summary>
    /// Copies the vectors of <paramref name="vocabulary"/>'s tokens into an embedding table (rows without a vector keep
    /// U(-0.25, 0.25), the padding row zero; see <see cref="MatrixFor"/>) and returns how many were found.
    /// </summary>
    /// <exception cref="ArgumentException">When the table's width is not the vectors' dimension (both named).</exception>
    public int CopyInto(TorchBinding.Modules.Embedding table, Data.Vocabulary vocabulary, string source = "the vectors")
    {
        ArgumentNullException.ThrowIfNull(table);
        long width = table.weight.shape[1];
        if (width != Dimension) throw new ArgumentException($"{source} has {Dimension}-d vectors but the embedding is {width}-d");
        if (table.weight.shape[0] != vocabulary.Count) throw new ArgumentException($"the embedding has {table.weight.shape[0]} rows for a vocabulary of {vocabulary.Count}");
        var (matrix, found) = MatrixFor(vocabulary);
        using (no_grad()) table.weight.copy_(matrix);
        matrix.Dispose();
        return found;
    }

    /// <summary>
    /// An embedding matrix for a vocabulary: rows of known tokens get their vector, others keep
    /// U(-0.25, 0.25) (the usual initialisation for unknown words); row 0 (padding) is zero.
    /// </summary>
    /// <returns>(rows, dimension) float32, and how many rows were found.</returns>
    public (Tensor Matrix, int Found) MatrixFor(Data.Vocabulary vocabulary, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var rng = new Random(seed);
        var m = new float[vocabulary.Count * Dimension];
        int found = 0;
        for (int row = 0; row < vocabulary.Count; row++)
        {
            if (row == 0) continue;
            if (Index.TryGetValue(vocabulary[row], out int k))
            {
                Array.Copy(Vectors, k * Dimension, m, row * Dimension, Dimension);
                found++;
            }
            else for (int j = 0; j < Dimension; j++) m[row * Dimension + j] = (float)(rng.NextDouble() * 0.5 - 0.25);
        }
        return (tensor(m, [vocabulary.Count, Dimension]), found);
    }
}

internal static class NegativeMaskExtensions
{
    // (n, w) → (n, w·k) with each column repeated k times, matching negIds' layout (k negatives per context slot).
    public static Tensor repeat_interleave_columns(this Tensor mask, int k) =>
        mask.unsqueeze(2).expand(mask.size(0), mask.size(1), k).reshape(mask.size(0), mask.size(1) * k);
}
