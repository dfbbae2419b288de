using ClinicalNer.Data;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Parts;

/// <summary>
/// Per-character features from a frozen model (paper 4's BiLM states, a BERT's character states), concatenated with a
/// tagger's own embeddings. Implementations compute (B, L, <see cref="Size"/>) for a batch of documents, zeros past each
/// document's end, without gradients; <see cref="CachedCharacterFeatures"/> keeps them per document so each is computed once.
/// </summary>
public interface ICharacterFeatures : IDisposable
{
    /// <summary>A short name ("bilm", "bert"), also the folder the provider is saved in beside a checkpoint.</summary>
    string Name { get; }

    /// <summary>Features per character.</summary>
    int Size { get; }

    /// <summary>The features of each document's characters: (B, L, <see cref="Size"/>), L the longest document (at least 1).</summary>
    Tensor Compute(IReadOnlyList<Document> documents);

    /// <summary>Writes what rebuilds the provider into <paramref name="directory"/>.</summary>
    void Save(string directory);
}

/// <summary>
/// Features of another provider, computed once per document (by id and text) in length-sorted batches, wherever the
/// provider's model is, and kept on the host, so a tagger trained for many epochs pays for its frozen feature model once.
/// </summary>
public sealed class CachedCharacterFeatures : ICharacterFeatures
{
    private readonly ICharacterFeatures inner;
    private readonly int batchSize;
    private readonly bool ownsInner;
    private readonly Dictionary<(string Id, string Text), Tensor> cache = [];

    /// <summary>
    /// Caches <paramref name="inner"/>'s features, computing missing ones <paramref name="batchSize"/> documents at a time;
    /// disposing the cache disposes <paramref name="inner"/> too when <paramref name="ownsInner"/>.
    /// </summary>
    public CachedCharacterFeatures(ICharacterFeatures inner, int batchSize = 32, bool ownsInner = true)
    {
        this.inner = inner ?? throw new ArgumentNullException(nameof(inner));
        this.batchSize = batchSize > 0 ? batchSize : throw new ArgumentOutOfRangeException(nameof(batchSize));
        this.ownsInner = ownsInner;
    }

    /// <summary>The provider whose features are cached.</summary>
    public ICharacterFeatures Inner => inner;

    /// <inheritdoc/>
    public string Name => inner.Name;

    /// <inheritdoc/>
    public int Size => inner.Size;

    /// <summary>Documents whose features are held.</summary>
    public int Count => cache.Count;

    /// <inheritdoc/>
    public Tensor Compute(IReadOnlyList<Document> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var missing = documents.Where(d => !cache.ContainsKey((d.Id, d.Text))).DistinctBy(d => (d.Id, d.Text)).OrderBy(d => d.Length).ToList();
        foreach (var chunk in missing.Chunk(batchSize))
        {
            using var scope = NewDisposeScope();
            var features = inner.Compute(chunk);
            for (int r = 0; r < chunk.Length; r++)
                cache[(chunk[r].Id, chunk[r].Text)] = features[r].narrow(0, 0, Math.Max(1, chunk[r].Length)).to(null, CPU, copy: true).DetachFromDisposeScope();   // one copy, from any device
        }
        int length = Math.Max(1, documents.Max(d => d.Length));
        var rows = documents.Select(d =>
        {
            var f = cache[(d.Id, d.Text)];
            long pad = length - f.size(0);
            return pad == 0 ? f : cat([f, zeros(pad, Size)], 0);
        }).ToList();
        return stack(rows, 0);
    }

    /// <inheritdoc/>
    public void Save(string directory) => inner.Save(directory);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in cache.Values) t.Dispose();
        cache.Clear();
        if (ownsInner) inner.Dispose();
    }
}
