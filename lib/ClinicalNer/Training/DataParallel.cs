using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Training;

/// <summary>
/// Data-parallel training over a torch.distributed group, as PyTorch's DistributedDataParallel does it: the parameters
/// broadcast from rank 0 at the start, each step's global batch (the same shuffle on every rank, seeded by the epoch)
/// split into disjoint contiguous shards, and the gradients averaged by all-reduce in buckets while the backward pass runs.
/// A rank's gradient is weighted by its shard's size, so with a loss that is a mean over documents the step equals one
/// process's step on the whole global batch (uneven last batches included). Rank 0 alone evaluates, saves and records;
/// it broadcasts the dev scores so every rank takes the same early-stopping decision.
/// </summary>
public sealed class DataParallel
{
    private readonly distributed.ProcessGroup group;

    /// <summary>Training over <paramref name="group"/>.</summary>
    public DataParallel(distributed.ProcessGroup group)
    {
        this.group = group ?? throw new ArgumentNullException(nameof(group));
        Rank = group.rank();
        WorldSize = group.size();
    }

    /// <summary>The default group's data parallelism when one of more than one rank is initialised, else null (one process).</summary>
    public static DataParallel? Current => distributed.is_initialized() && distributed.get_world_size() > 1 ? new DataParallel(distributed.WORLD) : null;

    /// <summary>This rank.</summary>
    public int Rank { get; }

    /// <summary>The number of ranks.</summary>
    public int WorldSize { get; }

    /// <summary>Whether this rank evaluates, saves and records (rank 0).</summary>
    public bool IsMain => Rank == 0;

    /// <summary>Rank <paramref name="rank"/>'s contiguous share of a global batch (sizes differ by at most one).</summary>
    public static int[] Shard(int[] global, int rank, int worldSize)
    {
        ArgumentNullException.ThrowIfNull(global);
        int size = global.Length / worldSize, extra = global.Length % worldSize;
        int start = rank * size + Math.Min(rank, extra);
        return global.Skip(start).Take(size + (rank < extra ? 1 : 0)).ToArray();
    }

    /// <summary>This rank's share of a global batch.</summary>
    public int[] Shard(int[] global) => Shard(global, Rank, WorldSize);

    /// <summary>
    /// Every parameter and buffer of <paramref name="network"/> set to rank 0's (DDP's start), once every rank is found to
    /// hold the same model (<see cref="VerifySameModel"/>).
    /// </summary>
    public void BroadcastFromMain(nn.Module network)
    {
        ArgumentNullException.ThrowIfNull(network);
        VerifySameModel(network);
        using var _ = no_grad();
        foreach (var t in network.parameters().Select(p => (Tensor)p).Concat(network.buffers())) group.broadcast(t, 0);
    }

    /// <summary>
    /// Checks that every rank holds the same model, as DDP verifies its parameters' shapes across processes: the names,
    /// shapes and types of the parameters and buffers, and which parameters train. Ranks with different models would
    /// exchange buckets of different sizes, which gloo answers by aborting the process; this makes it an error that names
    /// the rank that differs, on every rank.
    /// </summary>
    /// <exception cref="InvalidOperationException">A rank's model differs from this one's.</exception>
    public void VerifySameModel(nn.Module network)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var scope = NewDisposeScope();
        long[] mine = Signature(network);
        var all = Enumerable.Range(0, WorldSize).Select(_ => zeros([mine.Length], ScalarType.Int64)).ToList();
        group.all_gather(all, tensor(mine));
        for (int rank = 0; rank < WorldSize; rank++)
        {
            long[] theirs = all[rank].data<long>();
            if (!theirs.SequenceEqual(mine))
                throw new InvalidOperationException($"data-parallel: rank {rank} holds another model than rank {Rank} ({Describe(theirs)} against {Describe(mine)}, " +
                                                    "or other names, shapes or types); every rank must build the same model with the same parameters frozen");
        }
    }

    // Counts and sizes, and a hash of every parameter's and buffer's name, shape, type and whether it trains.
    private static long[] Signature(nn.Module network)
    {
        var parameters = network.named_parameters().ToList();
        var buffers = network.named_buffers().ToList();
        var trained = parameters.Where(p => p.parameter.requires_grad).ToList();
        ulong hash = 14695981039346656037;   // FNV-1a, 64 bits
        foreach (string part in parameters.Select(p => $"p {p.name} {p.parameter.dtype} [{string.Join(',', p.parameter.shape)}] {p.parameter.requires_grad}")
                     .Concat(buffers.Select(b => $"b {b.name} {b.buffer.dtype} [{string.Join(',', b.buffer.shape)}]")))
            foreach (char c in part + ";")
                hash = (hash ^ c) * 1099511628211;
        return [parameters.Count, trained.Count, trained.Sum(p => p.parameter.numel()), parameters.Sum(p => p.parameter.numel()), buffers.Count,
            unchecked((long)hash)];
    }

    private static string Describe(long[] signature) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{signature[0]} parameters of which {signature[1]} train ({signature[2]:N0} of {signature[3]:N0} values), {signature[4]} buffers");

    /// <summary>
    /// The gradient reducer of a training loop (<see cref="distributed.Reducer"/>, DDP's buckets): before the step's
    /// backward pass <c>prepare_for_backward(loss, </c><see cref="Weight"/><c>)</c>, after it <c>finalize_backward()</c>, which
    /// leaves each trained parameter's gradient at the global batch's, Σ_r n_r g_r / N over the ranks. A parameter without
    /// a gradient on this rank counts as zero and gets one (the ranks must all step the same parameters).
    /// </summary>
    public distributed.Reducer Reducer(IReadOnlyList<nn.Parameter> parameters) => new(parameters, group);

    /// <summary>A rank's weight in the average: its share of the global batch (shards may differ by one).</summary>
    public static double Weight(int localCount, int globalCount) => (double)localCount / globalCount;

    /// <summary>Rank 0's values on every rank (the dev scores behind the early-stopping decision).</summary>
    public double[] FromMain(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var t = tensor(values);
        group.broadcast(t, 0);
        return t.data<double>();
    }

    /// <summary>Waits for every rank.</summary>
    public void Barrier() => group.barrier();
}
