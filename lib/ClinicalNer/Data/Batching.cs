namespace ClinicalNer.Data;

/// <summary>A padded batch of id sequences.</summary>
/// <param name="Ids">(B × T) ids in row-major order, padded with the pad id.</param>
/// <param name="Mask">(B × T) true at real positions.</param>
/// <param name="Lengths">(B) real lengths.</param>
/// <param name="Width">T, the longest length in the batch.</param>
public sealed record PaddedBatch(long[] Ids, bool[] Mask, long[] Lengths, int Width);

/// <summary>Batching: padding with masks and lengths, bucketing by length, shuffles that depend only on a seed.</summary>
public static class Batching
{
    /// <summary>Pads sequences to the longest one.</summary>
    public static PaddedBatch Pad(IReadOnlyList<IReadOnlyList<long>> sequences, long padId = 0)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        int width = sequences.Count == 0 ? 0 : sequences.Max(s => s.Count);
        var ids = new long[sequences.Count * width];
        Array.Fill(ids, padId);
        var mask = new bool[ids.Length];
        for (int b = 0; b < sequences.Count; b++)
            for (int t = 0; t < sequences[b].Count; t++)
            {
                ids[b * width + t] = sequences[b][t];
                mask[b * width + t] = true;
            }
        return new PaddedBatch(ids, mask, sequences.Select(s => (long)s.Count).ToArray(), width);
    }

    /// <summary>A permutation of 0..count-1 that depends only on <paramref name="seed"/> (Fisher–Yates over a seeded PRNG).</summary>
    public static int[] Shuffle(int count, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        var rng = new Random(seed);
        for (int i = count - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>
    /// Batches of indices of similar length (less padding): items are shuffled by the seed, sorted by
    /// length within pools of <paramref name="poolBatches"/> batches, cut into batches, and the
    /// batches shuffled again. Every index appears exactly once.
    /// </summary>
    public static List<int[]> Buckets(IReadOnlyList<int> lengths, int batchSize, int seed, int poolBatches = 50)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int[] order = Shuffle(lengths.Count, seed);
        var batches = new List<int[]>();
        int pool = batchSize * Math.Max(1, poolBatches);
        for (int p = 0; p < order.Length; p += pool)
        {
            var sorted = order.Skip(p).Take(pool).OrderBy(i => lengths[i]).ToArray();
            batches.AddRange(sorted.Chunk(batchSize));
        }
        int[] batchOrder = Shuffle(batches.Count, seed + 1);
        return batchOrder.Select(k => batches[k]).ToList();
    }
}
