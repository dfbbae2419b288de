using ClinicalNer.Data;
using ClinicalNer.Models.Tagging;
using TorchBinding;
using ClinicalNer.Models.Parts;

namespace ClinicalNer.Models.LanguageModel;

/// <summary>Paper 4's BiLM features for a tagger: the frozen forward and backward character language models' states.</summary>
public sealed class BiLmFeatures : ICharacterFeatures
{
    /// <summary>The provider's name (and its folder in a checkpoint).</summary>
    public const string ProviderName = "bilm";

    /// <summary>Features from <paramref name="model"/> (which the provider then owns).</summary>
    public BiLmFeatures(BidirectionalLanguageModel model) => Model = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>The language models.</summary>
    public BidirectionalLanguageModel Model { get; }

    /// <inheritdoc/>
    public string Name => ProviderName;

    /// <inheritdoc/>
    public int Size => Model.FeatureSize;

    /// <inheritdoc/>
    public torch.Tensor Compute(IReadOnlyList<Document> documents) => Model.Features(documents);

    /// <inheritdoc/>
    public void Save(string directory) => Model.Save(directory);

    /// <summary>Reads a provider saved by <see cref="Save"/> (a BiLM folder).</summary>
    public static BiLmFeatures Load(string directory) => new(BidirectionalLanguageModel.Load(directory));

    /// <inheritdoc/>
    public void Dispose() => Model.Dispose();
}
