using ClinicalNer.Models.Crf;
using ClinicalNer.Text;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Parts;

/// <summary>What a decoder returns: one label id per real position of each sequence, and a confidence per sequence.</summary>
/// <param name="Paths">Label ids, one array per sequence (its real length).</param>
/// <param name="Confidence">The model's probability of each path (NaN when not asked for).</param>
public sealed record Decoding(IReadOnlyList<int[]> Paths, double[] Confidence);

/// <summary>
/// A tag decoder: the last part of a tagger, from emission scores (B, L, labels) to a training loss and to label paths.
/// Implementations: <see cref="SoftmaxDecoder"/> (independent positions) and <see cref="ConditionalRandomField"/>
/// (a linear-chain CRF). A span scorer joins as another decoder kind over span scores.
/// </summary>
public interface ITagDecoder
{
    /// <summary>Mean training loss; <paramref name="tags"/> may hold any value (e.g. -100) where <paramref name="mask"/> is false.</summary>
    Tensor Loss(Tensor emissions, Tensor tags, Tensor mask);

    /// <summary>The best paths, with each path's probability when <paramref name="withConfidence"/> (one more pass for a CRF).</summary>
    Decoding Decode(Tensor emissions, Tensor mask, long[] lengths, bool withConfidence = true);
}

/// <summary>A linear-chain CRF decoder (registered as "crf").</summary>
/// <param name="Constrained">Apply the tag scheme's transition constraints when decoding.</param>
public sealed record CrfSpec(bool Constrained = true) : DecoderSpec
{
    /// <inheritdoc/>
    public override string DisplayName => "CRF";

    /// <inheritdoc/>
    public override nn.Module Build(IReadOnlyList<string> labels, TagScheme scheme) => TagDecoders.Create(DecoderKind.Crf, labels, scheme, Constrained);
}

/// <summary>Independent softmax decisions per position (registered as "softmax").</summary>
public sealed record SoftmaxSpec : DecoderSpec
{
    /// <inheritdoc/>
    public override string DisplayName => "Softmax";

    /// <inheritdoc/>
    public override nn.Module Build(IReadOnlyList<string> labels, TagScheme scheme) => TagDecoders.Create(DecoderKind.Softmax, labels, scheme);
}

/// <summary>
/// The two decoder kinds of the taggers' shorthand fields (<see cref="CrfSpec"/> and <see cref="SoftmaxSpec"/> are the parts
/// they stand for; checkpoints written before parts store it by name).
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<DecoderKind>))]
public enum DecoderKind
{
    /// <summary>Independent softmax per position.</summary>
    Softmax,
    /// <summary>Linear-chain CRF.</summary>
    Crf,
}

/// <summary>Builds decoders by kind.</summary>
public static class TagDecoders
{
    /// <summary>
    /// A decoder over <paramref name="labels"/>; a CRF's transitions are constrained by <paramref name="scheme"/> at decoding
    /// when <paramref name="constrained"/>.
    /// </summary>
    public static nn.Module Create(DecoderKind kind, IReadOnlyList<string> labels, TagScheme scheme, bool constrained = true)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return kind switch
        {
            DecoderKind.Crf => new ConditionalRandomField(labels.Count, constrained ? AllowedTransitions.For(scheme, labels) : null),
            DecoderKind.Softmax => new SoftmaxDecoder(labels.Count),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such decoder"),
        };
    }
}

/// <summary>
/// Independent decisions per position: token cross-entropy for training, the most probable label at each real position
/// for decoding, and the product of those maxima as the sequence's confidence. No parameters.
/// </summary>
public sealed class SoftmaxDecoder : nn.Module, ITagDecoder
{
    private readonly int labels;

    /// <summary>A decoder over <paramref name="labelCount"/> labels.</summary>
    public SoftmaxDecoder(int labelCount) : base(nameof(SoftmaxDecoder))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(labelCount, 1);
        labels = labelCount;
    }

    /// <inheritdoc/>
    public Tensor Loss(Tensor emissions, Tensor tags, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(emissions);
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(mask);
        using var scope = NewDisposeScope();
        var kept = where(mask, tags, full_like(tags, -100));   // padded positions never count, whatever they hold
        // Emissions from an autocast region (bfloat16) are scored in float32, as PyTorch's autocast runs this loss.
        var scores = Precision.InFloat32(emissions);
        return nn.functional.cross_entropy(scores.reshape(-1, labels), kept.reshape(-1), ignore_index: -100).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Decoding Decode(Tensor emissions, Tensor mask, long[] lengths, bool withConfidence = true)
    {
        ArgumentNullException.ThrowIfNull(emissions);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(lengths);
        using var scope = NewDisposeScope();
        var (maxLogProb, argmax) = nn.functional.log_softmax(emissions, -1).max(-1);           // (B, L)
        long width = emissions.size(1);
        long[] ids = argmax.data<long>();
        double[] logp = maxLogProb.masked_fill(mask.logical_not(), 0).sum(1).to_type(ScalarType.Float64).data<double>();
        var paths = lengths.Select((len, b) => Enumerable.Range(0, (int)len).Select(t => (int)ids[b * width + t]).ToArray()).ToList();
        return new Decoding(paths, logp.Select(Math.Exp).ToArray());
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"labels={labels}";
}
