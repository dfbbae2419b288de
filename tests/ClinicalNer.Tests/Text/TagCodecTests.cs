namespace ClinicalNer.Tests;

public class TagCodecTests
{
    private static readonly EntitySpan[] Flat = [new(0, 1, "A"), new(1, 4, "B"), new(5, 7, "A")];

    [Theory]
    [InlineData(TagScheme.BIO, "B-A B-B I-B I-B O B-A I-A")]
    [InlineData(TagScheme.BIOES, "S-A B-B I-B E-B O B-A E-A")]
    [InlineData(TagScheme.BMES, "S-A B-B M-B E-B O B-A E-A")]
    public void Encode_and_decode_are_inverse_for_flat_spans(TagScheme scheme, string expected)
    {
        string[] tags = TagCodec.Encode(7, Flat, scheme);
        Assert.Equal(expected, string.Join(' ', tags));
        Assert.Equal(Flat, TagCodec.Decode(tags, RepairPolicy.Strict));
    }

    [Fact]
    public void Nested_spans_are_reported_not_silently_lost()
    {
        EntitySpan[] nested = [new(0, 4, "DISEASE"), new(0, 2, "BODY"), new(3, 6, "SIGNS")];
        string[] tags = TagCodec.Encode(6, nested, TagScheme.BIO, out var dropped);
        Assert.Equal("B-DISEASE I-DISEASE I-DISEASE I-DISEASE O O", string.Join(' ', tags));
        Assert.Equal(new[] { new EntitySpan(0, 2, "BODY"), new EntitySpan(3, 6, "SIGNS") }, dropped);
        Assert.Contains("nested or overlapping", Assert.Throws<ArgumentException>(() => TagCodec.Encode(6, nested, TagScheme.BIO)).Message);
    }

    [Fact]
    public void Suffix_order_and_unknown_tags()
    {
        Assert.Equal(new[] { new EntitySpan(0, 2, "BODY") }, TagCodec.Decode(["BODY-B", "BODY-I", "O"], RepairPolicy.Strict));
        var issues = new List<DataIssue>();
        var spans = TagCodec.Decode(["B-X", "Q", "B-Y"], RepairPolicy.Repair, "f", issues);
        Assert.Equal(new[] { new EntitySpan(0, 1, "X"), new EntitySpan(2, 3, "Y") }, spans);
        Assert.Equal("f:position 1", issues.Single().Location);
        Assert.Contains("unknown tag 'Q'", issues.Single().Problem);
    }

    [Fact]
    public void Type_change_inside_an_entity_is_an_issue()
    {
        var issues = new List<DataIssue>();
        var spans = TagCodec.Decode(["B-X", "I-Y", "I-Y"], RepairPolicy.Repair, "", issues);
        Assert.Equal(new[] { new EntitySpan(0, 1, "X"), new EntitySpan(1, 3, "Y") }, spans);
        Assert.Contains("follows an entity of type X", issues.Single().Problem);
        Assert.Equal(new[] { new EntitySpan(0, 1, "X") }, TagCodec.Decode(["B-X", "I-Y", "I-Y"], RepairPolicy.Drop));
    }
}
