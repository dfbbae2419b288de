using static TorchBinding.torch;

namespace ClinicalNer.Models;

/// <summary>
/// The one prediction loop of the model families: items in chunks of a batch, shortest first when their length is given
/// (less padding), each chunk without gradients and in a dispose scope of its own, so a prediction over any number of
/// documents holds one chunk's tensors at a time.
/// </summary>
public static class BatchedInference
{
    /// <summary>Calls <paramref name="chunk"/> with the indices (into <paramref name="items"/>) of each chunk.</summary>
    /// <param name="items">What to predict (documents, windows, MRC passes).</param>
    /// <param name="batchSize">Items per chunk (at least 1).</param>
    /// <param name="length">Sorts the items by it first; null keeps their order.</param>
    /// <param name="chunk">Predicts one chunk; it must copy what it keeps out of its tensors (they are freed after it returns).</param>
    public static void ForEachChunk<T>(IReadOnlyList<T> items, int batchSize, Func<T, int>? length, Action<int[]> chunk)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(chunk);
        var order = Enumerable.Range(0, items.Count);
        if (length is not null) order = order.OrderBy(k => length(items[k]));
        foreach (int[] indices in order.Chunk(Math.Max(1, batchSize)))
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            chunk(indices);
        }
    }
}
