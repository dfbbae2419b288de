using ClinicalNer.Models.Bert;
using ClinicalNer.Models.LanguageModel;
using ClinicalNer.Models.Parts;
using ClinicalNer.Models.Tagging;

namespace ClinicalNer.Models.Specs;

/// <summary>
/// The frozen per-character feature providers a tagger checkpoint can fuse (paper 4's BiLM and BERT features), by name:
/// how each is opened from its folder. A provider of a notebook's own joins with <see cref="Register"/>.
/// </summary>
public static class FeatureProviderRegistry
{
    private static readonly Dictionary<string, Func<string, ICharacterFeatures>> loaders = new(StringComparer.Ordinal)
    {
        [BiLmFeatures.ProviderName] = BiLmFeatures.Load,
        [BertCharacterFeatures.ProviderName] = BertCharacterFeatures.Load,
    };

    /// <summary>Adds (or replaces) the loader of the provider named <paramref name="name"/>.</summary>
    public static void Register(string name, Func<string, ICharacterFeatures> load)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(load);
        lock (loaders) loaders[name] = load;
    }

    /// <summary>The provider a checkpoint records as <paramref name="info"/>, opened from <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidDataException">For a provider name nobody registered (the known ones listed).</exception>
    public static ICharacterFeatures Load(FeatureProviderInfo info, string directory)
    {
        ArgumentNullException.ThrowIfNull(info);
        Func<string, ICharacterFeatures>? load;
        lock (loaders) loaders.TryGetValue(info.Name, out load);
        return load is not null ? load(directory)
            : throw new InvalidDataException($"{directory}: unknown feature provider '{info.Name}' (known: {string.Join(", ", Names)})");
    }

    private static readonly Dictionary<(string Provider, string Path, DateTime Written), CachedCharacterFeatures> shared = [];

    /// <summary>
    /// The provider <paramref name="name"/> of folder <paramref name="directory"/>, opened once per process (while the folder
    /// is unchanged) and cached: every model that fuses it shares one provider and one feature cache, so each document's
    /// features are computed once across a sweep's runs. The models do not own it; it lives as long as the process.
    /// </summary>
    public static CachedCharacterFeatures Shared(string name, string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string full = Path.GetFullPath(directory);
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"feature provider '{name}': no folder {full}");
        var written = Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(DateTime.MinValue).Max();
        var key = (name, full, written);
        lock (shared)
        {
            if (shared.TryGetValue(key, out var cached)) return cached;
            var provider = new CachedCharacterFeatures(Load(new FeatureProviderInfo(name, 0), full));
            shared[key] = provider;
            return provider;
        }
    }

    /// <summary>The registered provider names.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            lock (loaders) return loaders.Keys.Order(StringComparer.Ordinal).ToList();
        }
    }
}
