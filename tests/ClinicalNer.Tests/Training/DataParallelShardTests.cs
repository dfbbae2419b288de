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

/// <summary>Ranks that hold different models are told so before any bucket is exchanged (gloo would abort the process).</summary>
public class DataParallelModelCheckTests
{
    // Two ranks in this process (threads over a TCP store); each builds its model with `build` and verifies it.
    private static string?[] VerifyOnTwoRanks(Func<int, TorchBinding.torch.nn.Module> build)
    {
        int port = TorchBinding.torch.distributed.FreeLocalPort();
        var errors = new string?[2];
        void Rank(int rank)
        {
            using var store = new TorchBinding.torch.distributed.TCPStore("127.0.0.1", port, 2, is_master: rank == 0, timeout: TimeSpan.FromSeconds(30));
            using var group = new TorchBinding.torch.distributed.ProcessGroup(store, rank, 2, TimeSpan.FromSeconds(30));
            try { new DataParallel(group).BroadcastFromMain(build(rank)); }
            catch (InvalidOperationException e) { errors[rank] = e.Message; }
        }
        var threads = new[] { new Thread(() => Rank(0)), new Thread(() => Rank(1)) };
        foreach (var t in threads) t.Start();
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromSeconds(60)), "a rank hung");
        return errors;
    }

    [Fact]
    public void The_same_model_on_every_rank_passes_and_is_broadcast()
    {
        Assert.Equal(new string?[] { null, null }, VerifyOnTwoRanks(_ => TorchBinding.torch.nn.Linear(4, 3)));
    }

    [Fact]
    public void A_rank_with_a_frozen_parameter_or_another_shape_is_named_on_every_rank()
    {
        var frozen = VerifyOnTwoRanks(rank =>
        {
            var m = TorchBinding.torch.nn.Linear(4, 3);
            if (rank == 1) m.parameters().First().requires_grad_(false);
            return m;
        });
        Assert.StartsWith("data-parallel: rank 1 holds another model than rank 0 (2 parameters of which 1 train", frozen[0]);
        Assert.StartsWith("data-parallel: rank 0 holds another model than rank 1 (2 parameters of which 2 train", frozen[1]);
        var shape = VerifyOnTwoRanks(rank => TorchBinding.torch.nn.Linear(4, rank == 0 ? 3 : 5));
        Assert.All(shape, e => Assert.Contains("holds another model", e));
    }
}
