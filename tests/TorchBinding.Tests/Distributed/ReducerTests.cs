using static TorchBinding.torch;
using static TorchBinding.torch.distributed;

namespace TorchBinding.Tests;

/// <summary>
/// The gradient reducer (DDP's buckets) on two ranks of ours in one gloo group: the gradients it leaves are the weighted
/// sum of each rank's own gradients, computed apart as the oracle, whether the buckets are reduced during the backward
/// pass or after it, with a parameter one rank does not use and buckets small enough that there are several.
/// </summary>
[Collection("distributed")]
public class ReducerTests
{
    // Rank r's shard of a global batch: rank 0 holds three quarters of it.
    private static readonly double[] Weights = [0.75, 0.25];

    // A model of three parameters; rank 1's data does not reach c (a parameter this rank does not use).
    private static nn.Parameter[] Model() =>
    [
        new nn.Parameter(tensor(new[] { 0.5f, -1f, 2f })),
        new nn.Parameter(tensor(new[] { 1f, 2f, 3f, 4f }).view(2, 2)),
        new nn.Parameter(tensor(new[] { 0.1f, 0.2f, 0.3f, 0.4f })),
    ];

    private static Tensor Loss(nn.Parameter[] p, int rank, int pass)
    {
        var x = tensor(new[] { 1f + rank, 2f - pass, -1f });
        var y = tensor(new[] { 3f * (rank + 1), -2f + pass });
        var loss = (p[0] * x).pow(2).sum() + p[1].matmul(y).tanh().sum() + p[0].sum() * p[1].sum();
        return rank == 0 ? loss + (p[2] * p[2]).sum() * (1 + pass) : loss;
    }

    // The oracle: each rank's gradients alone (over the given passes), weighted and summed; zero where a rank has none.
    private static float[][] Expected(int passes)
    {
        var sum = Model().Select(p => new float[p.numel()]).ToArray();
        for (int rank = 0; rank < 2; rank++)
        {
            var p = Model();
            for (int pass = 0; pass < passes; pass++) Loss(p, rank, pass).backward();
            for (int k = 0; k < p.Length; k++)
                if (p[k].grad is { } g)
                {
                    float[] v = g.data<float>();
                    for (int i = 0; i < v.Length; i++) sum[k][i] += (float)(Weights[rank] * v[i]);
                }
        }
        return sum;
    }

    // Two ranks in threads, each training its own copy of the model with a reducer of tiny buckets.
    private static (float[][][] Gradients, int Buckets, Exception?[] Errors) TwoRanks(Action<Reducer, nn.Parameter[], int> step)
    {
        int port = FreeLocalPort();
        var gradients = new float[2][][];
        var errors = new Exception?[2];
        int buckets = 0;
        void Rank(int rank)
        {
            using var store = new TCPStore("127.0.0.1", port, 2, is_master: rank == 0, timeout: TimeSpan.FromSeconds(30));
            using var group = new ProcessGroup(store, rank, 2, TimeSpan.FromSeconds(30));
            var p = Model();
            // 12-byte first bucket, 20-byte others: c and b cannot share one, so there are three.
            using var reducer = new Reducer(p, group, bucket_bytes_cap: 20, first_bucket_bytes_cap: 12);
            buckets = reducer.bucket_count;
            try { step(reducer, p, rank); }
            catch (Exception e) { errors[rank] = e; }
            gradients[rank] = p.Select(x => x.grad!.data<float>()).ToArray();
        }
        var threads = new[] { new Thread(() => Rank(0)), new Thread(() => Rank(1)) };
        foreach (var th in threads) th.Start();
        foreach (var th in threads) Assert.True(th.Join(TimeSpan.FromSeconds(60)), "a rank hung");
        return (gradients, buckets, errors);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_gradients_are_the_weighted_sum_of_every_ranks_own(bool overlap)
    {
        var overlapped = new int[2];
        var (gradients, buckets, errors) = TwoRanks((reducer, p, rank) =>
        {
            PreparedPass(reducer, p, rank, 0, overlap);
            reducer.finalize_backward();
            overlapped[rank] = reducer.overlapped_buckets;
        });
        Assert.All(errors, e => Assert.Null(e));
        Assert.Equal(3, buckets);
        var expected = Expected(passes: 1);
        for (int rank = 0; rank < 2; rank++)
            for (int k = 0; k < expected.Length; k++)
                Assert.All(expected[k].Zip(gradients[rank][k]), v => Assert.Equal(v.First, v.Second, 1e-5f));
        Assert.All(expected[2], v => Assert.NotEqual(0f, v));   // rank 1 gave c no gradient; rank 0's still counts
        // With overlap every bucket starts during the backward pass, on rank 1 too although c, in the first bucket, is not
        // reached there (it is found unused when the pass is armed); without it, none.
        Assert.Equal(overlap ? [3, 3] : [0, 0], overlapped);
    }

    [Fact]
    public void A_gradient_held_from_an_earlier_backward_pass_of_the_step_is_in_the_average()
    {
        // The adversarial step's shape: a clean pass, then the pass the reducer watches.
        var (gradients, _, errors) = TwoRanks((reducer, p, rank) =>
        {
            Loss(p, rank, 0).backward();
            PreparedPass(reducer, p, rank, 1);
            reducer.finalize_backward();
        });
        Assert.All(errors, e => Assert.Null(e));
        var expected = Expected(passes: 2);
        for (int k = 0; k < expected.Length; k++)
            Assert.All(expected[k].Zip(gradients[1][k]), v => Assert.Equal(v.First, v.Second, 1e-5f));
    }

    [Fact]
    public void A_second_backward_pass_after_one_overlapped_prepare_is_an_error_on_every_rank()
    {
        EveryRankFailsWith("a second backward pass after prepare_for_backward with overlap", (reducer, p, rank) =>
        {
            PreparedPass(reducer, p, rank, 0);
            Loss(p, rank, 1).backward();
            reducer.finalize_backward();
        });
    }

    [Fact]
    public void Finalizing_a_step_that_was_not_prepared_is_an_error_not_a_crash()
    {
        EveryRankFailsWith("finalize_backward without prepare_for_backward", (reducer, p, rank) =>
        {
            PreparedPass(reducer, p, rank, 0);
            reducer.finalize_backward();
            reducer.finalize_backward();   // the same step again
        });
    }

    // One backward pass the reducer is prepared for: rank r's loss of that pass, weighted by its share.
    private static void PreparedPass(Reducer reducer, nn.Parameter[] p, int rank, int pass, bool overlap = true)
    {
        var loss = Loss(p, rank, pass);
        reducer.prepare_for_backward(loss, Weights[rank], overlap);
        loss.backward();
    }

    private static void EveryRankFailsWith(string message, Action<Reducer, nn.Parameter[], int> step) =>
        Assert.All(TwoRanks(step).Errors, e => Assert.Contains(message, Assert.IsType<DistributedException>(e).Message));
}
