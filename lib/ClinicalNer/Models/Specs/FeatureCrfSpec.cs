using ClinicalNer.Data.Readers;
using ClinicalNer.Models.FeatureCrf;

namespace ClinicalNer.Models.Specs;

/// <summary>
/// The feature-based linear-chain CRF (registered as "feature-crf"; paper 2's CRF baseline): hand-made character features
/// and, optionally, dictionary features.
/// </summary>
/// <param name="MinCount">Features seen fewer times in the training text are left out.</param>
/// <param name="Dictionary">The lexicon files of each entity type for dictionary features, or null for none.</param>
/// <param name="Words">Paper 2's entity-aware segmentation as features (each character's place in its word and the word), or
/// null for none; its <c>dim</c> is not used.</param>
public sealed record FeatureCrfSpec(int MinCount = 1, IReadOnlyDictionary<string, IReadOnlyList<string>>? Dictionary = null,
    WordInputSpec? Words = null) : ModelSpec
{
    /// <inheritdoc/>
    public override string DisplayName => Words is null ? "Feature-CRF" : "Feature-CRF + segmentation";

    /// <inheritdoc/>
    protected internal override INerModel Create(ModelContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var lexicons = Dictionary is null ? null : LexiconReader.ReadTypedLexicons(Dictionary.SelectMany(kv => kv.Value.Select(file => $"{kv.Key}={file}")));
        return FeatureCrfModel.Build(context.Train, MinCount, lexicons, Words?.ReadTerms(), Words?.GoldSegmentation ?? true, context.Seed);
    }
}
