using ClinicalNer.Text;

namespace ClinicalNer.Tests;

public class BioSchemeTests
{
    [Fact]
    public void Spans_from_tags_including_stray_inside_tags()
    {
        string[] tags = ["B-BODY", "I-BODY", "O", "I-SIGNS", "I-SIGNS", "B-SIGNS", "I-BODY", "B-CHECK"];
        Assert.Equal(new[]
        {
            new EntitySpan(0, 2, "BODY"), new EntitySpan(3, 5, "SIGNS"), new EntitySpan(5, 6, "SIGNS"),
            new EntitySpan(6, 7, "BODY"), new EntitySpan(7, 8, "CHECK"),
        }, BioScheme.Spans(tags));
    }

    [Fact]
    public void Tags_round_trip_flat_spans_and_reject_overlaps()
    {
        var spans = new[] { new EntitySpan(1, 3, "BODY"), new EntitySpan(3, 4, "SIGNS") };
        string[] tags = BioScheme.Tags(5, spans);
        Assert.Equal(new[] { "O", "B-BODY", "I-BODY", "B-SIGNS", "O" }, tags);
        Assert.Equal(spans, BioScheme.Spans(tags));
        Assert.Contains("overlaps", Assert.Throws<ArgumentException>(() => BioScheme.Tags(5, [new(0, 3, "A"), new(2, 4, "B")])).Message);
        Assert.Contains("outside", Assert.Throws<ArgumentException>(() => BioScheme.Tags(3, [new(2, 4, "A")])).Message);
    }
}
