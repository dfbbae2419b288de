using System.Text.Json.Serialization;
using ClinicalNer.Text;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Parts;

/// <summary>
/// A sequence encoder described as data (one record per kind, registered by name in <see cref="PartRegistry"/>, written
/// with its name as <c>"type"</c>): what it is, how large its output is, and how to build it.
/// </summary>
public abstract record EncoderSpec
{
    /// <summary>The encoder's name in a model's display name, e.g. "BiLSTM".</summary>
    [JsonIgnore]
    public abstract string DisplayName { get; }

    /// <summary>Size of each output state for inputs of <paramref name="inputSize"/>.</summary>
    public abstract long OutputSize(long inputSize);

    /// <summary>A fresh encoder: a module that is an <see cref="ISequenceEncoder"/>.</summary>
    /// <param name="inputSize">Size of each input state.</param>
    /// <param name="dropout">The model's dropout (for parts that use one inside).</param>
    public abstract nn.Module Build(long inputSize, double dropout);
}

/// <summary>A tag decoder described as data (registered in <see cref="PartRegistry"/>): softmax, CRF, or a part of one's own.</summary>
public abstract record DecoderSpec
{
    /// <summary>The decoder's name in a model's display name, e.g. "CRF".</summary>
    [JsonIgnore]
    public abstract string DisplayName { get; }

    /// <summary>A fresh decoder over <paramref name="labels"/> of <paramref name="scheme"/>: a module that is an <see cref="ITagDecoder"/>.</summary>
    public abstract nn.Module Build(IReadOnlyList<string> labels, TagScheme scheme);
}

/// <summary>A span scorer described as data (registered in <see cref="PartRegistry"/>): paper 5's biaffine scorer, the MRC pointer, or one's own.</summary>
public abstract record SpanScorerSpec
{
    /// <summary>The scorer's name in a model's display name, e.g. "Biaffine".</summary>
    [JsonIgnore]
    public abstract string DisplayName { get; }

    /// <summary>A fresh scorer: a module that is an <see cref="ISpanScorer"/>.</summary>
    /// <param name="inputSize">Size of each encoder state.</param>
    /// <param name="types">The classes after "none": entity types, or the one "entity" class of an MRC model.</param>
    /// <param name="nested">Whether decoding keeps nested spans.</param>
    /// <param name="dropout">The model's dropout.</param>
    public abstract nn.Module Build(long inputSize, IReadOnlyList<string> types, bool nested, double dropout);
}
