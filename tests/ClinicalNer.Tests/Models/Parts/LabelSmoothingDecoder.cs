using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Tests;

/// <summary>
/// A test-only decoder part, the whole of it in this one file plus one registration: softmax decisions trained with label
/// smoothing. That a tagger trains with it and reloads from its checkpoint
/// (<see cref="PartsTests.A_decoder_added_in_one_file_trains_inside_the_tagger_and_survives_a_reload"/>) shows that a new
/// decoder is a part, not a copy of a tagger.
/// </summary>
/// <param name="Smoothing">The share of the target spread over all labels.</param>
public sealed record LabelSmoothingSpec(double Smoothing = 0.1) : DecoderSpec
{
    public override string DisplayName => "SmoothedSoftmax";

    public override nn.Module Build(IReadOnlyList<string> labels, Text.TagScheme scheme) => new LabelSmoothingDecoder(labels.Count, Smoothing);
}

internal sealed class LabelSmoothingDecoder(int labels, double smoothing) : nn.Module(nameof(LabelSmoothingDecoder)), ITagDecoder
{
    private readonly SoftmaxDecoder greedy = new(labels);

    public Tensor Loss(Tensor emissions, Tensor tags, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var logp = nn.functional.log_softmax(emissions, -1);                                   // (B, L, C)
        var picked = logp.gather(-1, tags.clamp_min(0).unsqueeze(-1)).squeeze(-1);            // (B, L)
        var perPosition = -(1 - smoothing) * picked - smoothing * logp.mean(new long[] { -1 });
        var real = mask.to_type(ScalarType.Float32);
        return ((perPosition * real).sum() / real.sum()).MoveToOuterDisposeScope();
    }

    public Decoding Decode(Tensor emissions, Tensor mask, long[] lengths, bool withConfidence = true) => greedy.Decode(emissions, mask, lengths, withConfidence);
}
