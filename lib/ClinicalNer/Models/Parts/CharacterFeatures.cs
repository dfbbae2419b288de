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
/// The cache holds at most <see cref="CapacityBytes"/> of features: past that the least recently used documents are
/// dropped (computed again if they come back), so predicting over any number of documents keeps memory flat.
/// </summary>
public sealed class CachedCharacterFeatures : ICharacterFeatures
{
    /// <summary>The default budget: 4 GiB of float32 features, a CCKS2017-sized training set with 1,024 BiLM features per character.</summary>
    public const long DefaultCapacityBytes = 4L << 30;

    private readonly ICharacterFeatures inner;
    private readonly int batchSize;
    private readonly bool ownsInner;
    private readonly Dictionary<(string Id, string Text), LinkedListNode<Entry>> cache = [];
    private readonly LinkedList<Entry> recency = new();   // most recently used first

    private sealed record Entry((string Id, string Text) Key, Tensor Features, long Bytes);

    /// <summary>
    /// Caches <paramref name="inner"/>'s features, computing missing ones <paramref name="batchSize"/> documents at a time;
    /// disposing the cache disposes <paramref name="inner"/> too when <paramref name="ownsInner"/>.
    /// </summary>
    public CachedCharacterFeatures(ICharacterFeatures inner, int batchSize = 32, bool ownsInner = true, long capacityBytes = DefaultCapacityBytes)
    {
        this.inner = inner ?? throw new ArgumentNullException(nameof(inner));
        this.batchSize = batchSize > 0 ? batchSize : throw new ArgumentOutOfRangeException(nameof(batchSize));
        this.ownsInner = ownsInner;
        CapacityBytes = capacityBytes > 0 ? capacityBytes : throw new ArgumentOutOfRangeException(nameof(capacityBytes));
    }

    /// <summary>The provider whose features are cached.</summary>
    public ICharacterFeatures Inner => inner;

    /// <inheritdoc/>
    public string Name => inner.Name;

    /// <inheritdoc/>
    public int Size => inner.Size;

    /// <summary>Documents whose features are held.</summary>
    public int Count => cache.Count;

    /// <summary>Bytes of features held.</summary>
    public long Bytes { get; private set; }

    /// <summary>The most bytes of features held; the least recently used documents go first past it.</summary>
    public long CapacityBytes { get; }

    /// <inheritdoc/>
    public Tensor Compute(IReadOnlyList<Document> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var rows = new Tensor[documents.Count];
        // Held ones are marked used (and kept alive for this call); the missing ones are computed in length-sorted batches.
        var missing = new List<int>();
        for (int i = 0; i < documents.Count; i++)
        {
            if (cache.TryGetValue((documents[i].Id, documents[i].Text), out var node))
            {
                recency.Remove(node);
                recency.AddFirst(node);
                rows[i] = node.Value.Features;
            }
            else missing.Add(i);
        }
        foreach (var chunk in missing.DistinctBy(i => (documents[i].Id, documents[i].Text)).OrderBy(i => documents[i].Length).Chunk(batchSize))
        {
            using var scope = NewDisposeScope();
            var features = inner.Compute(chunk.Select(i => documents[i]).ToList());
            for (int r = 0; r < chunk.Length; r++)
            {
                var d = documents[chunk[r]];
                var f = features[r].narrow(0, 0, Math.Max(1, d.Length)).to(null, CPU, copy: true).DetachFromDisposeScope();   // one copy, from any device
                var node = recency.AddFirst(new Entry((d.Id, d.Text), f, f.numel() * f.element_size()));
                cache[node.Value.Key] = node;
                Bytes += node.Value.Bytes;
            }
        }
        foreach (int i in missing) rows[i] = cache[(documents[i].Id, documents[i].Text)].Value.Features;
        int length = Math.Max(1, documents.Max(d => d.Length));
        var batch = stack(rows.Select(f => f.size(0) == length ? f : cat([f, zeros(length - f.size(0), Size)], 0)).ToList(), 0);
        Evict(keep: documents.Count);
        return batch;
    }

    // Drops the least recently used documents past the budget (never the ones the last call used).
    private void Evict(int keep)
    {
        while (Bytes > CapacityBytes && recency.Count > keep)
        {
            var last = recency.Last!.Value;
            recency.RemoveLast();
            cache.Remove(last.Key);
            Bytes -= last.Bytes;
            last.Features.Dispose();
        }
    }

    /// <inheritdoc/>
    public void Save(string directory) => inner.Save(directory);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var entry in recency) entry.Features.Dispose();
        cache.Clear();
        recency.Clear();
        Bytes = 0;
        if (ownsInner) inner.Dispose();
    }
}
