using ClinicalNer.Evaluation;

namespace ClinicalNer.Tests;

public class NerMetricsTests
{
    // Sentence 1: one exact, one boundary error. Sentence 2: one type error, one spurious, one missed.
    private static readonly IReadOnlyList<EntitySpan>[] Gold =
    [
        [new(0, 2, "BODY"), new(3, 5, "SIGNS")],
        [new(0, 3, "DISEASE"), new(8, 9, "BODY")],
    ];
    private static readonly IReadOnlyList<EntitySpan>[] Predicted =
    [
        [new(0, 2, "BODY"), new(3, 4, "SIGNS")],
        [new(0, 3, "CHECK"), new(5, 6, "BODY")],
    ];

    [Fact]
    public void Strict_micro_per_type_and_macro()
    {
        var r = NerMetrics.Strict(Gold, Predicted);
        Assert.Equal((4, 4, 1), (r.Micro.Gold, r.Micro.Predicted, r.Micro.Correct));
        Assert.Equal(0.25, r.Micro.Precision, 12);
        Assert.Equal(0.25, r.Micro.Recall, 12);
        Assert.Equal(0.25, r.Micro.F1, 12);
        Assert.Equal((2, 2, 1), (r["BODY"].Gold, r["BODY"].Predicted, r["BODY"].Correct));
        Assert.Equal(0.5, r["BODY"].F1, 12);
        Assert.Equal(1, r["CHECK"].Predicted);
        Assert.Equal(0, r["CHECK"].Support);
        // Types: BODY 0.5, CHECK 0, DISEASE 0, SIGNS 0 → macro 0.125.
        Assert.Equal(0.125, r.MacroF1, 12);
    }

    [Fact]
    public void Position_only_ignores_types()
    {
        var r = NerMetrics.PositionOnly(Gold, Predicted);
        Assert.Equal(2, r.Micro.Correct); // BODY exact + the DISEASE/CHECK span
        Assert.Equal(0.5, r.Micro.F1, 12);
    }

    [Fact]
    public void Error_breakdown_classifies_every_prediction_and_miss()
    {
        var e = NerMetrics.Errors(Gold, Predicted);
        Assert.Equal(new ErrorBreakdown(Correct: 1, TypeErrors: 1, BoundaryErrors: 1, BoundaryAndTypeErrors: 0, Spurious: 1, Missed: 1), e);
        var both = NerMetrics.Errors([[new EntitySpan(0, 3, "A")]], [[new EntitySpan(1, 4, "B")]]);
        Assert.Equal(1, both.BoundaryAndTypeErrors);
    }

    [Fact]
    public void Nested_gold_spans_are_scored_independently()
    {
        IReadOnlyList<EntitySpan>[] gold = [[new(0, 4, "DISEASE"), new(0, 2, "BODY")]];
        IReadOnlyList<EntitySpan>[] pred = [[new(0, 2, "BODY")]];
        var r = NerMetrics.Strict(gold, pred);
        Assert.Equal(1.0, r.Micro.Precision, 12);
        Assert.Equal(0.5, r.Micro.Recall, 12);
    }

    [Fact]
    public void Empty_predictions_and_misaligned_inputs()
    {
        var r = NerMetrics.Strict([[new EntitySpan(0, 1, "BODY")]], [[]]);
        Assert.Equal((0.0, 0.0, 0.0), (r.Micro.Precision, r.Micro.Recall, r.Micro.F1));
        var none = NerMetrics.Strict([[]], [[]]);
        Assert.Equal(0, none.Micro.F1);
        Assert.Equal(0, none.MacroF1);
        Assert.Throws<ArgumentException>(() => NerMetrics.Strict([[]], []));
    }
}
