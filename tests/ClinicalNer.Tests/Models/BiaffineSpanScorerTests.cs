using ClinicalNer.Models.Parts;
using static TorchBinding.torch;

namespace ClinicalNer.Tests;

/// <summary>Paper 5's biaffine scorer: scores against a direct sum, gradients by finite differences, decoding by hand.</summary>
public class BiaffineSpanScorerTests
{
    private static BiaffineSpanScorer Scorer(bool nested = false)
    {
        manual_seed(7);
        var scorer = new BiaffineSpanScorer(inputSize: 5, types: ["BODY", "SIGNS"], hidden: 4, dropout: 0, nested: nested);
        using (no_grad()) scorer.U.normal_(0, 0.5);   // not the near-zero start, so every term matters
        scorer.eval();
        return scorer;
    }

    [Fact]
    public void Scores_equal_the_biaffine_form_summed_by_hand()
    {
        using var scorer = Scorer();
        var named = scorer.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var states = randn(2, 3, 5);
        var scores = scorer.Scores(states, ones(2, 3).@bool());
        Assert.Equal(new long[] { 2, 3, 3, 3 }, scores.shape);
        double[] Layer(string name, int b, int i)
        {
            float[] w = named[name + ".weight"].detach().data<float>(), bias = named[name + ".bias"].detach().data<float>(), x = states[b][i].data<float>();
            var h = Enumerable.Range(0, 4).Select(o => Math.Max(0, bias[o] + Enumerable.Range(0, 5).Sum(k => (double)w[o * 5 + k] * x[k]))).ToList();
            h.Add(1);
            return [.. h];
        }
        float[] u = scorer.U.detach().data<float>();   // (5, 3, 5)
        float[] ours = scores.contiguous().data<float>();
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                {
                    double[] hs = Layer("start", b, i), he = Layer("end", b, j);
                    for (int c = 0; c < 3; c++)
                    {
                        double expected = 0;
                        for (int p = 0; p < 5; p++)
                            for (int q = 0; q < 5; q++) expected += hs[p] * u[(p * 3 + c) * 5 + q] * he[q];
                        Assert.Equal(expected, ours[((b * 3 + i) * 3 + j) * 3 + c], 4);
                    }
                }
    }

    [Fact]
    public void Loss_gradients_match_finite_differences()
    {
        using var scorer = Scorer();
        var states = randn(2, 4, 5).to_type(ScalarType.Float64);
        scorer.to(dtype: ScalarType.Float64);
        var mask = tensor(new[] { true, true, true, true, true, true, false, false }).view(2, 4);
        IReadOnlyList<IReadOnlyList<EntitySpan>> gold = [[new(0, 2, "BODY"), new(1, 2, "SIGNS")], [new(1, 2, "SIGNS")]];
        AssertGradientsMatchFiniteDifferences(scorer, () => scorer.Loss(scorer.Scores(states, mask), mask, [4, 2], gold), n => [0L, n / 2, n - 1]);
    }

    // Central differences (float64, step 1e-6) of a scalar loss against autograd, at the given flat indices of every parameter.
    private static void AssertGradientsMatchFiniteDifferences(TorchBinding.torch.nn.Module module, Func<Tensor> loss, Func<long, long[]> indices)
    {
        module.zero_grad();
        loss().backward();
        foreach (var (name, parameter) in module.named_parameters())
        {
            var grad = parameter.grad!.clone();
            foreach (long flat in indices(parameter.numel()))
            {
                var view = parameter.detach().view(-1);
                const double h = 1e-6;   // added in float64 in place (a scalar tensor would round through float32)
                using (no_grad()) view[flat].add_(h);
                double up = loss().item<double>();
                using (no_grad()) view[flat].add_(-2 * h);
                double down = loss().item<double>();
                using (no_grad()) view[flat].add_(h);
                Assert.True(Math.Abs((up - down) / (2 * h) - grad.view(-1)[flat].item<double>()) < 1e-6, $"{name}[{flat}] ({parameter.dtype}): numeric {(up - down) / (2 * h)}, autograd {grad.view(-1)[flat].item<double>()}");
            }
        }
    }

    [Fact]
    public void Targets_mark_gold_spans_none_elsewhere_and_ignore_what_is_not_a_span()
    {
        using var scorer = Scorer();
        var t = scorer.Targets(3, [3, 2], [[new(0, 2, "SIGNS"), new(2, 3, "BODY")], []]).data<long>();
        long At(int b, int i, int j) => t[(b * 3 + i) * 3 + j];
        Assert.Equal(2, At(0, 0, 1));     // SIGNS from 0 to 1 inclusive
        Assert.Equal(1, At(0, 2, 2));     // BODY
        Assert.Equal(0, At(0, 0, 0));
        Assert.Equal(-100, At(0, 1, 0));  // i > j
        Assert.Equal(-100, At(1, 2, 2));  // past the second sequence's length
        Assert.Equal(0, At(1, 0, 1));
        Assert.Throws<ArgumentException>(() => scorer.Targets(3, [3], [[new(0, 1, "DRUG")]]));
        // Only empty texts in a batch: no span to learn from, a zero loss rather than NaN.
        var empty = zeros(2, 3).@bool();
        Assert.Equal(0f, scorer.Loss(scorer.Scores(randn(2, 3, 5), empty), empty, [0, 0], [[], []]).item<float>());
    }

    [Fact]
    public void Decoding_keeps_nested_spans_where_allowed_and_always_drops_crossing_ones()
    {
        (int, int, int, float)[] candidates =
        [
            (0, 4, 1, 0.9f),   // kept first
            (1, 3, 2, 0.8f),   // nested inside it
            (3, 6, 2, 0.7f),   // crosses (0, 4)
            (5, 7, 1, 0.6f),   // apart
            (0, 4, 2, 0.5f),   // the same span again, lower: overlaps without crossing, but a span holds one type
        ];
        var nested = BiaffineSpanScorer.Select(candidates, nested: true).Select(s => (s.Start, s.End)).ToList();
        Assert.Equal([(0, 4), (1, 3), (5, 7), (0, 4)], nested);
        var flat = BiaffineSpanScorer.Select(candidates, nested: false).Select(s => (s.Start, s.End)).ToList();
        Assert.Equal([(0, 4), (5, 7)], flat);
    }

    [Fact]
    public void Pointer_scorer_gradients_match_finite_differences_and_its_channels_are_start_end_match()
    {
        manual_seed(3);
        using var scorer = new PointerSpanScorer(5, ["BODY", "SIGNS"], nested: true);
        scorer.to(dtype: ScalarType.Float64);
        var states = randn(2, 4, 5).to_type(ScalarType.Float64);
        var mask = tensor(new[] { true, true, true, true, true, true, false, false }).view(2, 4);
        IReadOnlyList<IReadOnlyList<EntitySpan>> gold = [[new(0, 2, "BODY"), new(1, 2, "SIGNS")], [new(1, 2, "SIGNS")]];
        var scores = scorer.Scores(states, mask);
        Assert.Equal(new long[] { 2, 4, 4, 6 }, scores.shape);
        // Start channels do not depend on j, end channels not on i.
        Assert.True(scores.narrow(3, 0, 2).select(2, 0).allclose(scores.narrow(3, 0, 2).select(2, 3)));
        Assert.True(scores.narrow(3, 2, 2).select(1, 0).allclose(scores.narrow(3, 2, 2).select(1, 3)));
        AssertGradientsMatchFiniteDifferences(scorer, () => scorer.Loss(scorer.Scores(states, mask), mask, [4, 2], gold), n => [0L, n - 1]);
    }
}
