using System.CommandLine;
using ClinicalNer.Runs;

namespace Cli.Commands;

/// <summary>
/// <c>lab rank-worker JOB</c> (hidden): one of the ranks a notebook or app starts for a data-parallel run
/// (<see cref="LocalRanks"/>). It reads the run from the job folder, says so there, joins the group over env:// and trains
/// with rank 0, which alone evaluates, saves and records.
/// </summary>
internal static class RankWorkerCommand
{
    public static Command Build()
    {
        var job = new Argument<string>("job") { Description = "the job folder rank 0 wrote" };
        var command = new Command("rank-worker", "a rank of a data-parallel run started from a notebook (internal)") { job };
        command.Hidden = true;
        command.SetAction(r =>
        {
            string folder = r.GetValue(job)!;
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"rank-worker: no job folder {folder}");
            if (!DistributedLaunch.IsRank) throw new ArgumentException("rank-worker runs as a rank: RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT must be set");
            var (model, options, train, dev) = RankJob.Read(folder);
            using (model)
            {
                string rank = Environment.GetEnvironmentVariable("RANK")!;
                File.WriteAllText(Path.Combine(folder, LocalRanks.ReadyFile(int.Parse(rank, System.Globalization.CultureInfo.InvariantCulture))), "");
                DistributedLaunch.JoinIfRank();
                // A fault for the tests: this rank ends as if killed once the group has formed (rank 0 must name it).
                if (Environment.GetEnvironmentVariable("LAB_DIST_TEST_EXIT_RANK") == rank) Environment.Exit(137);
                // Rank 0 decides reuse and resumption and records the run; this rank's store is thrown away.
                using var noStore = new RunStore(":memory:");
                var outcome = TrackedRun.Run(noStore, "rank", "", model, options, train, dev, null, reuse: false, resume: ResumeMode.No);
                Console.WriteLine(outcome.Reused ? $"rank {rank}: rank 0 reused the run" : $"rank {rank}: trained to epoch {outcome.Training!.History[^1].Epoch} with rank 0");
            }
            TorchBinding.torch.distributed.destroy_process_group();
            return 0;
        });
        return command;
    }
}
