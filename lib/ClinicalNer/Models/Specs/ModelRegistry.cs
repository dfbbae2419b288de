using ClinicalNer.Models.Bert;
using ClinicalNer.Models.FeatureCrf;
using ClinicalNer.Models.Tagging;

namespace ClinicalNer.Models.Specs;

/// <summary>A model family: its name, the file that marks its checkpoints, the spec record that builds it, and its loader.</summary>
/// <param name="Name">The family's name in messages.</param>
/// <param name="ConfigFile">The file every checkpoint of the family holds beside its weights.</param>
/// <param name="Spec">The <see cref="ModelSpec"/> record of the family (null for one that no spec builds, as the feature CRF).</param>
/// <param name="Load">Rebuilds a model from a checkpoint folder.</param>
public sealed record ModelFamily(string Name, string ConfigFile, Type? Spec, Func<string, INerModel> Load)
{
    /// <summary>The presets that build a model of the family (<see cref="ModelPresets"/>).</summary>
    public IReadOnlyList<string> Presets => Spec is null ? [] : ModelPresets.Names.Where(n => ModelPresets.Get(n).GetType() == Spec).ToList();
}

/// <summary>
/// The model families by checkpoint: <see cref="NerCheckpoint.Load"/> opens any checkpoint through the family whose
/// config file it holds, and a new family joins with <see cref="Register"/> (one file for the family, nothing else).
/// </summary>
public static class ModelRegistry
{
    private static readonly List<ModelFamily> families =
    [
        new("BiLSTM-CRF family", TaggerModel.ConfigFile, typeof(TaggerSpec), d => TaggerModel.Load(d, FeatureProviderRegistry.Load)),
        new("BERT tagger", BertTaggerModel.ConfigFile, typeof(BertTaggerSpec), BertTaggerModel.Load),
        new("feature CRF", FeatureCrfModel.StateFile, typeof(FeatureCrfSpec), FeatureCrfModel.Load),
        new("BERT span model", BertSpanModel.ConfigFile, typeof(BertSpanSpec), BertSpanModel.Load),
    ];

    /// <summary>The families known, in registration order.</summary>
    public static IReadOnlyList<ModelFamily> Families
    {
        get
        {
            lock (families) return families.ToList();
        }
    }

    /// <summary>Adds a family (a later family with the same config file takes precedence).</summary>
    public static void Register(ModelFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        lock (families) families.Insert(0, family);
    }

    /// <summary>The family of the checkpoint in <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">When no family's config file is there (the files looked for are named).</exception>
    public static ModelFamily FamilyOf(string directory) =>
        Families.FirstOrDefault(f => File.Exists(Path.Combine(directory, f.ConfigFile)))
        ?? throw new FileNotFoundException($"checkpoint {directory} holds none of {string.Join(", ", Families.Select(f => $"{f.ConfigFile} ({f.Name})"))}");
}
