using ClinicalNer.Models.Parts;

namespace ClinicalNer.Models.Specs;

/// <summary>A frozen feature provider fused with the embeddings (the tagger's <c>features</c>, paper 4): "bilm" (a <c>lab lm</c> folder) or "bert" (a BERT folder).</summary>
/// <param name="Provider">The provider's registered name.</param>
/// <param name="Path">Its folder.</param>
public sealed record FeatureInputSpec(string Provider, string Path)
{
    /// <summary>The provider, opened once per process and shared by every model that fuses it (its features cached once).</summary>
    public ICharacterFeatures Open() => FeatureProviderRegistry.Shared(Provider, Path);
}
