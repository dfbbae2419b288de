using ClinicalNer.Data;
using ClinicalNer.Text;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Bert;

/// <summary>One pretraining example: [CLS] A [SEP] B [SEP] after masking.</summary>
/// <param name="Tokens">Word-piece ids, masked.</param>
/// <param name="Segments">0 for [CLS] A [SEP], 1 for B [SEP].</param>
/// <param name="IsRandomNext">True when B was drawn from another document.</param>
/// <param name="MaskedPositions">Ascending positions chosen for MLM.</param>
/// <param name="MaskedLabels">The original ids at those positions.</param>
public sealed record PretrainingInstance(int[] Tokens, int[] Segments, bool IsRandomNext, int[] MaskedPositions, int[] MaskedLabels);

/// <summary>How instances are made (google-research/bert's <c>create_pretraining_data.py</c> flags and defaults).</summary>
/// <param name="MaxLength">max_seq_length: tokens per instance including [CLS] and two [SEP].</param>
/// <param name="ShortSequenceProbability">short_seq_prob: share of instances with a random shorter target length.</param>
/// <param name="MaskProbability">masked_lm_prob: share of tokens chosen for MLM.</param>
/// <param name="MaxPredictions">max_predictions_per_seq: cap on chosen tokens per instance.</param>
public sealed record PretrainingOptions(int MaxLength = 128, double ShortSequenceProbability = 0.1, double MaskProbability = 0.15, int MaxPredictions = 20);

/// <summary>
/// Pretraining data the way google-research/bert builds it: documents split into sentences, chunks of
/// consecutive sentences filled up to a target length (10% of targets shorter), segment A a random prefix
/// of the chunk, B its true continuation or (50%, and always for one-sentence chunks) a span from
/// another document with the unused sentences put back; the pair truncated from the longer side at a
/// random end; then 15% of the tokens chosen (at least one, at most <see cref="PretrainingOptions.MaxPredictions"/>,
/// never [CLS]/[SEP]), of which 80% become [MASK], 10% a random vocabulary token and 10% stay.
/// One difference: google writes each document's instances <c>dupe_factor</c> times with fixed masks;
/// here every pass over the corpus draws new instances and masks, which is the same distribution.
/// </summary>
public sealed class PretrainingData
{
    private readonly IReadOnlyList<IReadOnlyList<int[]>> documents;
    private readonly WordPieceTokenizer tokenizer;

    /// <summary>Tokenised documents (each a list of sentences of word-piece ids).</summary>
    public PretrainingData(IReadOnlyList<IReadOnlyList<int[]>> documents, WordPieceTokenizer tokenizer, PretrainingOptions? options = null)
    {
        this.documents = documents ?? throw new ArgumentNullException(nameof(documents));
        this.tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        Options = options ?? new PretrainingOptions();
        if (Options.MaxLength < 8) throw new ArgumentOutOfRangeException(nameof(options), $"max length {Options.MaxLength} leaves no room for two segments");
        if (documents.Count < 2) throw new ArgumentException($"pretraining needs at least 2 non-empty documents for random next sentences, got {documents.Count}", nameof(documents));
    }

    /// <summary>The tokenizer whose ids the documents hold.</summary>
    public WordPieceTokenizer Tokenizer => tokenizer;

    /// <summary>The options in force.</summary>
    public PretrainingOptions Options { get; }

    /// <summary>Documents.</summary>
    public int DocumentCount => documents.Count;

    /// <summary>Word-piece tokens over all documents.</summary>
    public long TokenCount => documents.Sum(d => d.Sum(s => (long)s.Length));

    /// <summary>
    /// Splits raw texts into sentences (at 。！？；, line breaks), tokenises them and keeps the
    /// non-empty documents.
    /// </summary>
    public static PretrainingData FromTexts(IEnumerable<string> texts, WordPieceTokenizer tokenizer, PretrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var docs = new List<IReadOnlyList<int[]>>();
        foreach (string text in texts)
        {
            var doc = Document.Create("raw", text, [], "raw");
            var sentences = SentenceSplitter.Split(doc)
                .Select(w => tokenizer.Tokenize(w.Piece.Text).Select(t => t.Id).ToArray())
                .Where(s => s.Length > 0).ToList();
            if (sentences.Count > 0) docs.Add(sentences);
        }
        return new PretrainingData(docs, tokenizer, options);
    }

    /// <summary>
    /// One pass: every document's instances, shuffled together (as google's <c>rng.shuffle(instances)</c>).
    /// Shuffling only the document order would feed a long document's thousands of instances in one run:
    /// a corpus with a few whole-file documents (a 1.7 MB dialogue dump) then trains on one source for
    /// hundreds of steps at a time.
    /// </summary>
    public IEnumerable<PretrainingInstance> Pass(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int[] order = Enumerable.Range(0, documents.Count).ToArray();
        rng.Shuffle(order);
        var instances = order.SelectMany(d => InstancesOf(d, rng)).ToArray();
        rng.Shuffle(instances);
        return instances;
    }

    /// <summary>The instances of one document (google's <c>create_instances_from_document</c>).</summary>
    public IEnumerable<PretrainingInstance> InstancesOf(int documentIndex, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var document = documents[documentIndex];
        int maxTokens = Options.MaxLength - 3;
        int target = rng.NextDouble() < Options.ShortSequenceProbability ? rng.Next(2, maxTokens + 1) : maxTokens;
        var chunk = new List<int[]>();
        int chunkLength = 0;
        for (int i = 0; i < document.Count; i++)
        {
            chunk.Add(document[i]);
            chunkLength += document[i].Length;
            if (i != document.Count - 1 && chunkLength < target) continue;
            int aEnd = chunk.Count >= 2 ? rng.Next(1, chunk.Count) : 1;
            var a = chunk.Take(aEnd).SelectMany(s => s).ToList();
            var b = new List<int>();
            bool isRandomNext = chunk.Count == 1 || rng.NextDouble() < 0.5;
            if (isRandomNext)
            {
                int targetB = target - a.Count;
                int other = documentIndex;
                for (int tries = 0; tries < 10 && other == documentIndex; tries++) other = rng.Next(documents.Count);
                var otherDoc = documents[other];
                for (int j = rng.Next(otherDoc.Count); j < otherDoc.Count && b.Count < targetB; j++) b.AddRange(otherDoc[j]);
                i -= chunk.Count - aEnd;   // the unused sentences of this chunk start the next one
            }
            else
            {
                for (int j = aEnd; j < chunk.Count; j++) b.AddRange(chunk[j]);
            }
            Truncate(a, b, maxTokens, rng);
            if (a.Count > 0 && b.Count > 0) yield return Mask(a, b, isRandomNext, rng);
            chunk.Clear();
            chunkLength = 0;
            target = rng.NextDouble() < Options.ShortSequenceProbability ? rng.Next(2, maxTokens + 1) : maxTokens;
        }
    }

    // Removes tokens from the longer segment, at its front or back (a coin each time), until both fit.
    private static void Truncate(List<int> a, List<int> b, int maxTokens, Random rng)
    {
        while (a.Count + b.Count > maxTokens)
        {
            var longer = a.Count > b.Count ? a : b;
            if (rng.NextDouble() < 0.5) longer.RemoveAt(0);
            else longer.RemoveAt(longer.Count - 1);
        }
    }

    /// <summary>Builds [CLS] A [SEP] B [SEP] and applies the masked-LM procedure.</summary>
    public PretrainingInstance Mask(IReadOnlyList<int> a, IReadOnlyList<int> b, bool isRandomNext, Random rng)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(rng);
        var tokens = new List<int>(a.Count + b.Count + 3) { tokenizer.ClsId };
        tokens.AddRange(a);
        tokens.Add(tokenizer.SepId);
        int segmentB = tokens.Count;
        tokens.AddRange(b);
        tokens.Add(tokenizer.SepId);
        int[] segments = Enumerable.Range(0, tokens.Count).Select(k => k >= segmentB ? 1 : 0).ToArray();

        var candidates = Enumerable.Range(0, tokens.Count).Where(k => tokens[k] != tokenizer.ClsId && tokens[k] != tokenizer.SepId).ToArray();
        rng.Shuffle(candidates);
        int toPredict = Math.Min(Options.MaxPredictions, Math.Max(1, (int)Math.Round(tokens.Count * Options.MaskProbability)));
        var chosen = candidates.Take(toPredict).Order().ToArray();
        int[] labels = chosen.Select(k => tokens[k]).ToArray();
        int[] masked = tokens.ToArray();
        foreach (int k in chosen)
        {
            double draw = rng.NextDouble();
            if (draw < 0.8) masked[k] = tokenizer.MaskId;
            else if (rng.NextDouble() < 0.5) { /* 10%: keep the original */ }
            else masked[k] = rng.Next(tokenizer.VocabularySize);
        }
        return new PretrainingInstance(masked, segments, isRandomNext, chosen, labels);
    }

    /// <summary>Pads instances into a batch (to the longest instance and the most predictions).</summary>
    public PretrainingBatch Collate(IReadOnlyList<PretrainingInstance> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        if (instances.Count == 0) throw new ArgumentException("empty batch", nameof(instances));
        int n = instances.Count, l = instances.Max(i => i.Tokens.Length), p = Math.Max(1, instances.Max(i => i.MaskedPositions.Length));
        var ids = new long[n * l];
        var types = new long[n * l];
        var mask = new bool[n * l];
        var positions = new long[n * p];
        var labels = new long[n * p];
        var nsp = new long[n];
        Array.Fill(ids, tokenizer.PadId);
        Array.Fill(labels, -100);
        for (int r = 0; r < n; r++)
        {
            var inst = instances[r];
            for (int k = 0; k < inst.Tokens.Length; k++)
            {
                ids[r * l + k] = inst.Tokens[k];
                types[r * l + k] = inst.Segments[k];
                mask[r * l + k] = true;
            }
            for (int k = 0; k < inst.MaskedPositions.Length; k++)
            {
                positions[r * p + k] = inst.MaskedPositions[k];
                labels[r * p + k] = inst.MaskedLabels[k];
            }
            nsp[r] = inst.IsRandomNext ? 1 : 0;
        }
        return new PretrainingBatch(tensor(ids).view(n, l), tensor(types).view(n, l), tensor(mask).view(n, l),
            tensor(positions).view(n, p), tensor(labels).view(n, p), tensor(nsp));
    }
}
