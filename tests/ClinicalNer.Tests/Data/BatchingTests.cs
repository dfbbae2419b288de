namespace ClinicalNer.Tests;

public class BatchingTests
{
    [Fact]
    public void Pad_gives_ids_mask_and_lengths()
    {
        var b = Batching.Pad([[5, 6, 7], [8]], padId: 0);
        Assert.Equal(3, b.Width);
        Assert.Equal(new long[] { 5, 6, 7, 8, 0, 0 }, b.Ids);
        Assert.Equal(new[] { true, true, true, true, false, false }, b.Mask);
        Assert.Equal(new long[] { 3, 1 }, b.Lengths);
    }

    [Fact]
    public void Shuffles_depend_only_on_the_seed()
    {
        Assert.Equal(Batching.Shuffle(100, 7), Batching.Shuffle(100, 7));
        Assert.NotEqual(Batching.Shuffle(100, 7), Batching.Shuffle(100, 8));
        Assert.Equal(Enumerable.Range(0, 100), Batching.Shuffle(100, 7).Order());
    }

    [Fact]
    public void Buckets_cover_every_item_once_and_group_similar_lengths()
    {
        var rng = new Random(3);
        int[] lengths = Enumerable.Range(0, 1000).Select(_ => rng.Next(1, 200)).ToArray();
        var batches = Batching.Buckets(lengths, batchSize: 32, seed: 11, poolBatches: 10);
        Assert.Equal(Enumerable.Range(0, 1000), batches.SelectMany(b => b).Order());
        Assert.Equal(batches.Select(b => b.ToArray()), Batching.Buckets(lengths, 32, 11, 10).Select(b => b.ToArray()));
        // Padding waste is far below that of random batches.
        static long Waste(IEnumerable<int[]> bs, int[] len) => bs.Sum(b => (long)b.Length * b.Max(i => len[i]) - b.Sum(i => len[i]));
        var random = Batching.Shuffle(1000, 11).Chunk(32);
        Assert.True(Waste(batches, lengths) * 3 < Waste(random, lengths));
    }
}
