using ClinicalNer.Data.Readers;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Runs;
using ClinicalNer.Training;
using static TorchBinding.torch;

namespace Cli.Tests;

/// <summary>This test process is rank 0 of a torch.distributed group while these run: no other test may train beside them.</summary>
[CollectionDefinition(nameof(InProcessRankZero), DisableParallelization = true)]
public sealed class InProcessRankZero;

/// <summary>
/// Data-parallel runs of an experiment, as a notebook starts them (<see cref="LocalRanks"/>): this process is rank 0 and
/// <c>lab rank-worker</c> processes are the others; 2 ranks of batch 8 step as one process of batch 16.
/// </summary>
[Collection(nameof(InProcessRankZero))]
public sealed class NotebookRanksTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lab-nb-ranks").FullName;
    private static readonly CorpusSplits Sample = CorpusLoader.LoadSplits([Path.Combine(Lab.Root, "data", "sample")], 100);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    // One BiLSTM-CRF run of the experiment "nb" (4 steps, no dropout) into OUT with the given ranks and batch size.
    private static ExperimentResults TrainOnce(string output, LocalRanks ranks, int batch, int[]? seeds = null)
    {
        using var store = new RunStore(Path.Combine(output, "runs.db"));
        var experiment = new Experiment(store, "nb", "sample") { Ranks = ranks };
        return experiment.Run([Configuration.Named("lstm")], seeds ?? [3], (_, seed) =>
        {
            var inputs = TaggerInputs.Build(Sample.Train);
            var model = TaggerModel.Create(inputs, inputs.ModelConfig(m => m with { Dropout = 0 }), seed);
            return new RunSetup(model, new TrainerOptions(Epochs: 1, BatchSize: batch, MaxSteps: 4, OutputDir: Path.Combine(output, $"seed={seed}")));
        }, Sample.Train, Sample.Dev, Sample.Test!);
    }

    [Fact]
    public void Two_ranks_from_an_experiment_reach_the_weights_of_one_process_of_twice_the_batch()
    {
        string one = Path.Combine(dir, "one"), two = Path.Combine(dir, "two");
        int threadsBefore = get_num_threads();
        var single = TrainOnce(one, new LocalRanks(1), 16);
        var parallel = TrainOnce(two, new LocalRanks(2, Lab.DllPath), 8);
        Assert.Equal(threadsBefore, get_num_threads());   // the cores given to the ranks came back
        var left = safetensors.load(Path.Combine(one, "seed=3", "last", "model.safetensors"));
        var right = safetensors.load(Path.Combine(two, "seed=3", "last", "model.safetensors"));
        Assert.Equal(left.Keys.Order(), right.Keys.Order());
        foreach (var (name, w) in left)
        {
            double diff = w.to_type(ScalarType.Float64).sub(right[name].to_type(ScalarType.Float64)).abs().max().item<double>();
            Assert.True(diff <= 1e-5, $"{name}: the two runs differ by {diff}");
        }
        // Rank 0 recorded one finished run with its test scores; its key counts the ranks, so it is not the single run's.
        using var store = new RunStore(Path.Combine(two, "runs.db"));
        var run = Assert.Single(store.Runs());
        Assert.Equal("finished", run.Status);
        Assert.NotNull(parallel.Runs.Single().F1("test"));
        using var singleStore = new RunStore(Path.Combine(one, "runs.db"));
        Assert.NotEqual(singleStore.Runs().Single().Key, run.Key);
        // Run again: read back from the store, no rank started; a second seed is a second group in this process.
        var again = TrainOnce(two, new LocalRanks(2, Lab.DllPath), 8, [3, 4]);
        Assert.Equal(run.Id, Assert.Single(again.Reused));
        Assert.Equal(2, store.Runs().Count(r => r.IsFinished));
    }

    [Fact]
    public void A_rank_that_cannot_start_is_named_with_its_output_before_anything_is_recorded()
    {
        // A "lab" that is no program: dotnet refuses it, the rank exits before the group forms, and rank 0 says so at once.
        string bogus = Path.Combine(dir, "bogus.dll");
        File.WriteAllText(bogus, "not an assembly");
        var e = Assert.Throws<InvalidOperationException>(() => TrainOnce(Path.Combine(dir, "bad"), new LocalRanks(2, bogus, TimeSpan.FromSeconds(60)), 8));
        Assert.Contains("rank 1 of 2 exited with code", e.Message, StringComparison.Ordinal);
        Assert.False(distributed.is_initialized());
        using var store = new RunStore(Path.Combine(dir, "bad", "runs.db"));
        Assert.Empty(store.Runs());
    }

    [Fact]
    public void A_rank_that_dies_in_the_group_ends_rank_zeros_run_with_its_name()
    {
        // The ranks inherit this process's environment; no other test runs beside this collection, so the fault stays here.
        Environment.SetEnvironmentVariable("LAB_DIST_TEST_EXIT_RANK", "1");
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => TrainOnce(Path.Combine(dir, "dies"), new LocalRanks(2, Lab.DllPath, TimeSpan.FromSeconds(60)), 8));
            Assert.StartsWith("data-parallel training failed: rank 1 of 2 exited with code 137", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("LAB_DIST_TEST_EXIT_RANK", null);
        }
        Assert.False(distributed.is_initialized());
        // The process is a single process again: the next run trains here alone.
        Assert.Single(TrainOnce(Path.Combine(dir, "after"), new LocalRanks(1), 8).Runs);
    }
}
