using ClinicalNer.Data;
using ClinicalNer.Evaluation;
using ClinicalNer.Models;
using ClinicalNer.Text;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Training;

/// <summary>Options of a short tagger training run.</summary>
/// <param name="Epochs">Passes over the training set.</param>
/// <param name="BatchSize">Sentences per step.</param>
/// <param name="LearningRate">AdamW learning rate.</param>
/// <param name="Seed">Seeds libtorch and the shuffles.</param>
/// <param name="ClipNorm">Gradient norm bound.</param>
public sealed record TaggerTrainingOptions(int Epochs = 8, int BatchSize = 16, double LearningRate = 5e-3, int Seed = 1, double ClipNorm = 5.0);

/// <summary>What one epoch did.</summary>
public sealed record EpochReport(int Epoch, double MeanLoss, Score Dev, double Seconds, double CharsPerSecond);

/// <summary>
/// Trains a <see cref="BiLstmSoftmaxTagger"/> on tagged sentences and scores it strictly. A first,
/// small trainer for the demo; the shared trainer of the models issue replaces it.
/// </summary>
public sealed class TaggerTraining
{
    private readonly Vocabulary chars;
    private readonly Vocabulary tags;

    /// <summary>Builds vocabularies from the training sentences.</summary>
    public TaggerTraining(IReadOnlyList<Document> train)
    {
        ArgumentNullException.ThrowIfNull(train);
        chars = Vocabulary.WithSpecials(train.SelectMany(s => s.Chars));
        tags = Vocabulary.Of(train.SelectMany(d => TagsOf(d)).Distinct().OrderBy(t => t == "O" ? "" : t, StringComparer.Ordinal));
    }

    /// <summary>Creates a model sized for these vocabularies, its weights drawn after seeding libtorch with <paramref name="seed"/>.</summary>
    public BiLstmSoftmaxTagger CreateModel(int seed = 1)
    {
        manual_seed(seed);
        return new BiLstmSoftmaxTagger(new BiLstmSoftmaxTaggerConfig(chars.Count, tags.Count));
    }

    /// <summary>Trains, reporting each epoch's loss, dev score and speed.</summary>
    public void Train(BiLstmSoftmaxTagger model, IReadOnlyList<Document> train, IReadOnlyList<Document> dev,
        TaggerTrainingOptions options, IProgress<EpochReport>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        manual_seed(options.Seed);
        var rng = new Random(options.Seed);
        var parameters = model.parameters().ToList();
        using var optimizer = optim.AdamW(parameters, lr: options.LearningRate, weight_decay: 0.01);
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            model.train();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            double lossSum = 0;
            int steps = 0;
            long charCount = 0;
            foreach (var batch in train.OrderBy(_ => rng.Next()).Chunk(options.BatchSize))
            {
                using var scope = NewDisposeScope();
                var (x, y, lengths) = Encode(batch, withTags: true);
                var logits = model.forward(x, lengths);
                var loss = nn.functional.cross_entropy(logits.reshape(-1, tags.Count), y!.reshape(-1), ignore_index: -100);
                optimizer.zero_grad();
                loss.backward();
                nn.utils.clip_grad_norm_(parameters, options.ClipNorm);
                optimizer.step();
                lossSum += loss.item<float>();
                steps++;
                charCount += lengths.Sum();
            }
            double seconds = clock.Elapsed.TotalSeconds;
            progress?.Report(new EpochReport(epoch, lossSum / Math.Max(1, steps), Evaluate(model, dev).Micro, seconds, charCount / seconds));
        }
    }

    /// <summary>Strict scores of the model's predictions against the sentences' tags.</summary>
    public NerReport Evaluate(BiLstmSoftmaxTagger model, IReadOnlyList<Document> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var predicted = Predict(model, sentences);
        return NerMetrics.Strict(sentences.Select(s => s.Entities).ToList(), predicted);
    }

    /// <summary>Predicted spans per sentence.</summary>
    public IReadOnlyList<IReadOnlyList<EntitySpan>> Predict(BiLstmSoftmaxTagger model, IReadOnlyList<Document> sentences)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sentences);
        model.eval();
        var result = new List<IReadOnlyList<EntitySpan>>();
        using var _ = no_grad();
        foreach (var batch in sentences.Chunk(64))
        {
            using var scope = NewDisposeScope();
            var (x, _, lengths) = Encode(batch, withTags: false);
            long[] best = model.forward(x, lengths).argmax(-1).data<long>();
            long width = x.size(1);
            for (int b = 0; b < batch.Length; b++)
            {
                var predictedTags = Enumerable.Range(0, (int)lengths[b]).Select(t => tags[(int)best[b * width + t]]).ToList();
                result.Add(TagCodec.Decode(predictedTags));
            }
        }
        return result;
    }

    // The tagger sees flat BIO tags; nested entities (none in the sample) are left out of training.
    private static string[] TagsOf(Document d) => TagCodec.Encode(d.Length, d.Entities, TagScheme.BIO, out _);

    // (B, T) char ids padded with 0, (B, T) tag ids padded with -100 (ignored by the loss), lengths.
    private (Tensor chars, Tensor? tags, long[] lengths) Encode(Document[] batch, bool withTags)
    {
        int width = batch.Max(s => s.Chars.Count);
        var x = new long[batch.Length * width];
        var y = new long[batch.Length * width];
        Array.Fill(y, -100);
        for (int b = 0; b < batch.Length; b++)
        {
            string[]? gold = withTags ? TagsOf(batch[b]) : null;
            for (int t = 0; t < batch[b].Chars.Count; t++)
            {
                x[b * width + t] = chars.Id(batch[b].Chars[t]);
                if (gold is not null) y[b * width + t] = tags.Id(gold[t]);
            }
        }
        long[] shape = [batch.Length, width];
        return (tensor(x, shape), withTags ? tensor(y, shape) : null, batch.Select(s => (long)s.Chars.Count).ToArray());
    }
}
