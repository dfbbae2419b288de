using ClinicalNer.Evaluation;

namespace ClinicalNer.Tests;

public class SpanMetricsTests
{
    [Fact]
    public void Strict_counts_only_exact_span_and_type()
    {
        IReadOnlyList<EntitySpan>[] gold =
        [
            [new(0, 2, "BODY"), new(3, 5, "SIGNS")],
            [new(0, 3, "DISEASE")],
        ];
        IReadOnlyList<EntitySpan>[] predicted =
        [
            [new(0, 2, "BODY"), new(3, 4, "SIGNS")],          // one right, one boundary error
            [new(0, 3, "CHECK"), new(5, 6, "BODY")],          // type error, spurious
        ];
        var (micro, perType) = SpanMetrics.Strict(gold, predicted);
        Assert.Equal((3, 4, 1), (micro.Gold, micro.Predicted, micro.Correct));
        Assert.Equal(0.25, micro.Precision, 10);
        Assert.Equal(1 / 3.0, micro.Recall, 10);
        Assert.Equal(2 * 0.25 / 3 / (0.25 + 1 / 3.0), micro.F1, 10);
        var body = perType.Single(s => s.Type == "BODY");
        Assert.Equal((1, 2, 1), (body.Gold, body.Predicted, body.Correct));
        Assert.Equal(0, perType.Single(s => s.Type == "CHECK").F1);
    }

    [Fact]
    public void Empty_predictions_score_zero_without_dividing_by_zero()
    {
        var (micro, _) = SpanMetrics.Strict([[new EntitySpan(0, 1, "BODY")]], [[]]);
        Assert.Equal(0, micro.Precision);
        Assert.Equal(0, micro.F1);
        Assert.Throws<ArgumentException>(() => SpanMetrics.Strict([[]], []));
    }
}
