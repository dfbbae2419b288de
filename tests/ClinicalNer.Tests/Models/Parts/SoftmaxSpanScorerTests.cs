using ClinicalNer.Models.Bert;
using static TorchBinding.torch;

namespace ClinicalNer.Tests;

/// <summary>
/// Paper 5's "−biaffine" ablation as the paper builds it (a softmax over BIO tags at each token) and its question-sentence
/// interaction (eqs. 2-3): tags, loss and decoding against hand computation.
/// </summary>
public class SoftmaxSpanScorerTests
{
    [Fact]
    public void Gold_spans_become_BIO_tags_the_longer_of_two_overlapping_kept()
    {
        using var scorer = new SoftmaxSpanScorer(4, ["BODY", "SIGNS"]);
        // Tags: O = 0, B-BODY = 1, I-BODY = 2, B-SIGNS = 3, I-SIGNS = 4; −100 past each length.
        var targets = scorer.Targets(6, [6, 3], [[new(0, 3, "SIGNS"), new(0, 2, "BODY"), new(4, 5, "BODY")], [new(1, 3, "BODY")]]);
        Assert.Equal([3, 4, 4, 0, 1, 0, 0, 1, 2, -100, -100, -100], targets.data<long>());
        Assert.Throws<ArgumentException>(() => scorer.Targets(2, [2], [[new(0, 1, "DRUG")]]));
    }

    [Fact]
    public void Loss_is_the_mean_token_cross_entropy_summed_by_hand()
    {
        manual_seed(3);
        using var scorer = new SoftmaxSpanScorer(4, ["BODY"]);
        var states = randn(2, 3, 4);
        var scores = scorer.Scores(states, ones(2, 3).@bool());
        Assert.Equal(new long[] { 2, 3, 3, 3 }, scores.shape);
        long[] lengths = [3, 2];
        var gold = new List<IReadOnlyList<EntitySpan>> { new[] { new EntitySpan(1, 3, "BODY") }, Array.Empty<EntitySpan>() };
        double loss = scorer.Loss(scores, ones(2, 3).@bool(), lengths, gold).item<float>();
        float[] logits = scores.select(2, 0).contiguous().data<float>();   // (2, 3, 3)
        int[][] tags = [[0, 1, 2], [0, 0]];
        double sum = 0;
        int count = 0;
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < lengths[b]; i++)
            {
                var row = Enumerable.Range(0, 3).Select(k => (double)logits[(b * 3 + i) * 3 + k]).ToArray();
                double max = row.Max(), logZ = max + Math.Log(row.Sum(x => Math.Exp(x - max)));
                sum += logZ - row[tags[b][i]];
                count++;
            }
        Assert.Equal(sum / count, loss, 5);
    }

    [Fact]
    public void Decoding_reads_spans_from_the_most_probable_tags()
    {
        using var scorer = new SoftmaxSpanScorer(4, ["BODY", "SIGNS"]);
        // Tags per token (one-hot logits): B-BODY I-BODY I-SIGNS O I-BODY B-SIGNS I-SIGNS, length 7 of 8.
        int[] best = [1, 2, 4, 0, 2, 3, 4, 1];
        var values = new float[8 * 5];
        for (int i = 0; i < best.Length; i++) values[i * 5 + best[i]] = 5;
        var scores = tensor(values).view(1, 8, 1, 5).expand(1, 8, 8, 5);
        var spans = scorer.Decode(scores, [7])[0];
        // An I of another type (or after O) opens a span of its own; the last token is past the length.
        Assert.Equal([new(0, 2, "BODY"), new(2, 3, "SIGNS"), new(4, 5, "BODY"), new(5, 7, "SIGNS")], spans);
        double p = Math.Exp(5) / (Math.Exp(5) + 4);
        Assert.All(scorer.Candidates(scores, [7])[0], c => Assert.Equal(p, c.Score, 5));
    }

    [Fact]
    public void The_question_interaction_is_attention_of_each_sentence_state_over_the_question()
    {
        manual_seed(5);
        using var attention = new QueryContextAttention(3);
        var context = randn(2, 4, 3);
        var question = randn(2, 3, 3);
        var questionMask = tensor(new[] { true, true, true, true, true, false }).view(2, 3);
        var output = attention.forward(context, question, questionMask);
        Assert.Equal(new long[] { 2, 4, 6 }, output.shape);
        float[] h = context.data<float>(), q = question.data<float>(), w = attention.W.contiguous().data<float>(), o = output.data<float>();
        int[] real = [3, 2];
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < 4; i++)
            {
                // S_ij = h_iᵀ W q_j over the real question tokens; O_i = Σ_j softmax(S_i)_j q_j.
                var s = Enumerable.Range(0, real[b]).Select(j =>
                    Enumerable.Range(0, 3).Sum(x => Enumerable.Range(0, 3).Sum(y => (double)h[(b * 4 + i) * 3 + x] * w[x * 3 + y] * q[(b * 3 + j) * 3 + y]))).ToArray();
                var e = s.Select(v => Math.Exp(v - s.Max())).ToArray();
                for (int d = 0; d < 3; d++)
                {
                    double expected = Enumerable.Range(0, real[b]).Sum(j => e[j] / e.Sum() * q[(b * 3 + j) * 3 + d]);
                    Assert.Equal(h[(b * 4 + i) * 3 + d], o[(b * 4 + i) * 6 + d], 6);
                    Assert.Equal(expected, o[(b * 4 + i) * 6 + 3 + d], 5);
                }
            }
    }
}
