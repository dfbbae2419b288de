namespace ClinicalNer.Models.Specs;

/// <summary>
/// The one way a model is made: from a <see cref="ModelSpec"/> and the training data. <c>lab train</c>, <c>lab sweep</c>,
/// <c>lab bootstrap</c> and the notebooks call it; the model keeps its spec, and its checkpoints hold it as
/// <see cref="CheckpointFiles.SpecFile"/> (the family's own config beside it rebuilds the network when loading).
/// </summary>
public static class ModelBuilder
{
    /// <summary>A fresh model of <paramref name="spec"/> for <paramref name="context"/>'s data.</summary>
    /// <exception cref="ArgumentException">When the spec cannot make a model (a missing file, a size that does not fit), named.</exception>
    public static INerModel Build(ModelSpec spec, ModelContext context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(context);
        var model = spec.Create(context);
        model.SpecJson = spec.ToJson();
        return model;
    }

    /// <summary>A fresh model of <paramref name="spec"/> trained on <paramref name="train"/>, its weights drawn after seeding with <paramref name="seed"/>.</summary>
    public static INerModel Build(ModelSpec spec, IReadOnlyList<Data.Document> train, int seed = 1, TextWriter? log = null) =>
        Build(spec, new ModelContext(train, seed, log));

    /// <summary>The spec a checkpoint was built from, or null for a checkpoint written before specs (or built without one).</summary>
    public static ModelSpec? SpecOf(string checkpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpoint);
        string path = Path.Combine(CheckpointFolder.Resolve(checkpoint), CheckpointFiles.SpecFile);
        return File.Exists(path) ? ModelSpec.Load(path) : null;
    }
}
