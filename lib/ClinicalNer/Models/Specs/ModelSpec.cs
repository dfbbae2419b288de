using System.Text.Json.Serialization;
using ClinicalNer.Data;
using ClinicalNer.Models.Parts;

namespace ClinicalNer.Models.Specs;

/// <summary>What a spec is built with: the training documents (its labels and vocabularies come from them) and a seed.</summary>
/// <param name="Train">Training documents.</param>
/// <param name="Seed">Seeds libtorch before the weights are drawn.</param>
/// <param name="Log">Where the builder says what it loaded (lexicons, vectors, encoder weights); null for nowhere.</param>
public sealed record ModelContext(IReadOnlyList<Document> Train, int Seed = 1, TextWriter? Log = null);

/// <summary>
/// A whole model described as data: a model family's record (registered in <see cref="PartRegistry"/> with its name as
/// <c>"type"</c>) whose fields are the family's settings and parts. JSON in and out, so a spec file, a command line
/// (<c>lab train --spec FILE --set path=value</c>), a sweep and a notebook describe models the same way, and
/// <see cref="ModelBuilder"/> makes every model from one.
/// </summary>
public abstract record ModelSpec
{
    static ModelSpec()
    {
        // The model families, one line each.
        PartRegistry.Register<ModelSpec, TaggerSpec>("tagger");
        PartRegistry.Register<ModelSpec, BertTaggerSpec>("bert-tagger");
        PartRegistry.Register<ModelSpec, BertSpanSpec>("bert-span");
        PartRegistry.Register<ModelSpec, FeatureCrfSpec>("feature-crf");
    }

    /// <summary>The model's name for logs, tables and the run store, derived from its parts (e.g. "BiGRU-Attention-CRF").</summary>
    [JsonIgnore]
    public abstract string DisplayName { get; }

    /// <summary>A fresh model for <paramref name="context"/>'s data. Call <see cref="ModelBuilder.Build(ModelSpec, ModelContext)"/>, which records the spec with the model.</summary>
    protected internal abstract INerModel Create(ModelContext context);

    /// <summary>The spec as JSON (camelCase fields, each part with its <c>"type"</c>).</summary>
    public string ToJson() => PartRegistry.ToJson<ModelSpec>(this);

    /// <summary>Reads a spec written by <see cref="ToJson"/> or by hand; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">For JSON that is not a spec (the field or unknown part named).</exception>
    public static ModelSpec FromJson(string json, string source = "spec") => PartRegistry.FromJson<ModelSpec>(json, source);

    /// <summary>Reads a spec file.</summary>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">When it is not a spec.</exception>
    public static ModelSpec Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"spec file {path} does not exist", path);
        return FromJson(File.ReadAllText(path), path);
    }

    /// <summary>Makes sure the families are registered (reading the registry before any spec was touched).</summary>
    public static void EnsureRegistered() => System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(ModelSpec).TypeHandle);
}
