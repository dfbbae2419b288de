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

/// <summary>
/// An input of one's own for the tagger family, described as data (registered in <see cref="PartRegistry"/>): what it reads
/// from each document, what it learns from the training text, and the module that turns it into one vector per character,
/// concatenated after the built-in inputs. The record is stored (prepared) in the model's config, so a checkpoint rebuilds
/// it; everything the input learned from the data must therefore be fields of the record.
/// </summary>
public abstract record InputSpec
{
    /// <summary>The input's name in listings, e.g. "character classes".</summary>
    [JsonIgnore]
    public abstract string DisplayName { get; }

    /// <summary>Size of each character's vector.</summary>
    public abstract long OutputSize();

    /// <summary>
    /// This input after reading the training text (a vocabulary, counts): a record with what it learned filled in. The
    /// default learns nothing and returns itself.
    /// </summary>
    public virtual InputSpec Prepare(IReadOnlyList<Data.Document> train) => this;

    /// <summary>
    /// The input of a batch: a tensor whose first two dimensions are (documents, <paramref name="width"/>), left-aligned,
    /// in whatever type and further dimensions its module reads (positions past a document's end are masked later).
    /// </summary>
    public abstract Tensor Encode(IReadOnlyList<Data.Document> documents, int width);

    /// <summary>A fresh module that is an <see cref="IInputEmbedding"/> of <see cref="OutputSize"/> per character.</summary>
    public abstract nn.Module Build();
}
