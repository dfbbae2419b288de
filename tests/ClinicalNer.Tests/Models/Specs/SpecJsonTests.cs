using ClinicalNer.Models.Specs;
using ClinicalNer.Models.Tagging;

namespace ClinicalNer.Tests;

/// <summary>Spec files as people write them, and the errors they get when one is wrong.</summary>
public class SpecJsonTests
{
    [Fact]
    public void A_hand_written_spec_reads_with_type_anywhere_any_case_and_defaults_for_what_it_omits()
    {
        var spec = ModelSpec.FromJson("""
            {"Encoders": [{"hidden": 64, "type": "bigru"}, {"type": "attention"}], "decoder": {"type": "crf"}, "type": "tagger"}
            """);
        var tagger = Assert.IsType<TaggerSpec>(spec);
        Assert.Equal(new BiGruSpec(64), tagger.Encoders[0]);
        Assert.Equal(new AttentionSpec(4), tagger.Encoders[1]);
        Assert.Equal(0.5, tagger.Dropout);
        Assert.Equal("BiGRU-Attention-CRF", spec.DisplayName);
    }

    [Theory]
    [InlineData("""{"type": "tagger", "encoders": [{"type": "lstm"}], "decoder": {"type": "crf"}}""", "unknown part \"type\"", "bilstm, bigru, attention, tener")]
    [InlineData("""{"type": "tagger", "encoders": [{"type": "bilstm", "hiden": 3}], "decoder": {"type": "crf"}}""", "'hiden'", "encoders[0]")]
    [InlineData("""{"type": "tagger", "encoders": [], "decoder": {"constrained": true}}""", "lacks its \"type\"", "crf, softmax")]
    [InlineData("""{"encoders": []}""", "lacks its \"type\"", "tagger, bert-tagger, bert-span")]
    public void A_wrong_spec_is_named_with_what_exists(string json, string expected, string alsoExpected)
    {
        var error = Assert.Throws<InvalidDataException>(() => ModelSpec.FromJson(json, "my.json"));
        Assert.StartsWith("my.json: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(alsoExpected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Edits_set_fields_create_objects_append_to_lists_and_change_parts()
    {
        var spec = ModelPresets.Get("bilstm-crf");
        var edited = (TaggerSpec)JsonEdits.Apply(spec, ["encoders.0.hidden=64", "encoders.1={\"type\": \"attention\", \"heads\": 2}", "bigrams.minCount=3",
            "decoder.type=softmax", "dropout=0.25", "chars.vectors=v.txt"], PartRegistry.Json, PartRegistry.Describe);
        Assert.Equal([new BiLstmSpec(64), new AttentionSpec(2)], edited.Encoders);
        Assert.Equal(new BigramInputSpec(MinCount: 3), edited.Bigrams);
        Assert.IsType<SoftmaxSpec>(edited.Decoder);
        Assert.Equal(0.25, edited.Dropout);
        Assert.Equal("v.txt", edited.Chars!.Vectors);
        Assert.IsType<TaggerSpec>(spec);
        Assert.Equal(0.5, ((TaggerSpec)spec).Dropout);   // the preset itself is untouched

        Assert.Contains("PATH=VALUE", Assert.Throws<ArgumentException>(() => JsonEdits.Apply(spec, ["dropout"], PartRegistry.Json)).Message);
        Assert.Contains("'5' is not an index", Assert.Throws<ArgumentException>(() => JsonEdits.Apply(spec, ["encoders.5.hidden=3"], PartRegistry.Json)).Message);
        Assert.Contains("is a value", Assert.Throws<ArgumentException>(() => JsonEdits.Apply(spec, ["dropout.x=3"], PartRegistry.Json)).Message);
        Assert.Contains("bilstm, bigru", Assert.Throws<ArgumentException>(() => JsonEdits.Apply(spec, ["encoders.0.type=gru"], PartRegistry.Json, PartRegistry.Describe)).Message);
    }

    [Fact]
    public void A_part_name_is_taken_once_and_a_record_named_once()
    {
        var error = Assert.Throws<ArgumentException>(() => PartRegistry.Register<EncoderSpec, AttentionSpec>("bilstm"));
        Assert.Contains("taken by BiLstmSpec", error.Message, StringComparison.Ordinal);
        Assert.Contains("registered as 'attention'", Assert.Throws<ArgumentException>(() => PartRegistry.Register<EncoderSpec, AttentionSpec>("self-attention")).Message);
        PartRegistry.Register<EncoderSpec, AttentionSpec>("attention");   // the same again: nothing changes
        Assert.Single(PartRegistry.Parts<EncoderSpec>(), p => p.Name == "attention");
    }

    [Fact]
    public void Old_tagger_configs_without_parts_read_their_shorthand_fields_as_parts()
    {
        var legacy = new SequenceTaggerConfig(10, ["O", "B-X", "I-X"], Encoder: EncoderKind.BiGru, HiddenSize: 32, StackedHiddenSize: 16, AttentionHeads: 2,
            Decoder: DecoderKind.Softmax);
        Assert.Equal([new BiGruSpec(32), new BiGruSpec(16), new AttentionSpec(2)], legacy.EncoderStack);
        Assert.IsType<SoftmaxSpec>(legacy.TagDecoder);
        Assert.Equal(32, legacy.EncodedDim);
        Assert.Equal("BiGRU-Attention-Softmax", legacy.DisplayName);
        var parts = legacy with { EncoderParts = [new TenerSpec(Model: 48)], DecoderPart = new CrfSpec() };
        Assert.Equal(48, parts.EncodedDim);
        var back = SequenceTaggerConfig.FromJson(parts.ToJson());
        Assert.Equal([new TenerSpec(Model: 48)], back.EncoderStack);
        Assert.Equal("TENER-CRF", back.DisplayName);
    }
}
