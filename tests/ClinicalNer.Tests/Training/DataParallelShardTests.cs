using ClinicalNer.Training;

namespace ClinicalNer.Tests;

/// <summary>How a global batch is shared out among ranks: contiguous, disjoint, covering, sizes within one.</summary>
public class DataParallelShardTests
{
    [Theory]
    [InlineData(16, 2)]
    [InlineData(5, 2)]
    [InlineData(7, 3)]
    [InlineData(1, 2)]
    [InlineData(0, 3)]
    public void Shards_are_contiguous_disjoint_and_cover_the_batch(int count, int ranks)
    {
        int[] global = Enumerable.Range(100, count).ToArray();
        var shards = Enumerable.Range(0, ranks).Select(r => DataParallel.Shard(global, r, ranks)).ToList();
        Assert.Equal(global, shards.SelectMany(s => s));   // in order: rank 0's first, as one process reads them
        Assert.True(shards.Max(s => s.Length) - shards.Min(s => s.Length) <= 1);
        Assert.True(shards.Zip(shards.Skip(1)).All(p => p.First.Length >= p.Second.Length), "earlier ranks take the extra ones");
    }
}
