using System.Diagnostics;
using TorchBinding;

namespace Cli.Commands;

/// <summary>
/// Data-parallel runs of a command. <c>--nproc N</c> starts N ranks of the same command line on this machine, as
/// <c>torchrun --nproc-per-node N --no-python</c> does (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK, and the
/// cores shared out); a process started with WORLD_SIZE above 1 (by us or by torchrun) joins the group over env://.
/// </summary>
internal static class DistributedLaunch
{
    /// <summary>How long a collective or the rendezvous may wait before a rank gives up (LAB_DIST_TIMEOUT seconds, default 300).</summary>
    internal static TimeSpan Timeout => ClinicalNer.Runs.LocalRanks.DefaultTimeout;

    /// <summary>Whether this process is one rank of several (WORLD_SIZE above 1).</summary>
    internal static bool IsRank => int.TryParse(Environment.GetEnvironmentVariable("WORLD_SIZE"), out int w) && w > 1;

    /// <summary>Joins the group when this process is a rank (once); returns the rank, or null for a single process.</summary>
    internal static int? JoinIfRank()
    {
        if (!IsRank) return null;
        if (!torch.distributed.is_initialized()) torch.distributed.init_process_group("gloo", timeout: Timeout);
        return torch.distributed.get_rank();
    }

    /// <summary>
    /// Runs <paramref name="nproc"/> ranks of this process's command line (without <c>--nproc</c>) and waits for them; a rank
    /// that fails is named and the others are stopped once the timeout has passed. Returns the exit code of the job.
    /// </summary>
    internal static int Launch(int nproc)
    {
        var args = Environment.GetCommandLineArgs().Skip(1).ToList();
        int port = torch.distributed.FreeLocalPort();
        int cores = ClinicalNer.Runs.LocalRanks.ThreadsPerRank(nproc);
        var ranks = new List<Process>();
        Console.WriteLine($"lab: {nproc} data-parallel ranks on 127.0.0.1:{port}, {cores} thread(s) each");
        for (int rank = 0; rank < nproc; rank++)
        {
            var psi = ClinicalNer.Runs.ThisProgram.Again(WithoutNproc(args));
            ClinicalNer.Runs.LocalRanks.SetRankEnvironment(psi.Environment, rank, nproc, port);
            ranks.Add(Process.Start(psi)!);
        }
        // The first rank to fail is named; the others get the timeout to notice (their collectives fail) before they are stopped.
        int code = 0;
        var pending = new HashSet<int>(Enumerable.Range(0, nproc));
        DateTime? failedAt = null;
        while (pending.Count > 0)
        {
            foreach (int rank in pending.ToList())
            {
                if (!ranks[rank].HasExited) continue;
                pending.Remove(rank);
                int exit = ranks[rank].ExitCode;
                if (exit != 0 && code == 0)
                {
                    code = exit;
                    failedAt = DateTime.UtcNow;
                    Console.Error.WriteLine($"lab: rank {rank} of {nproc} exited with code {exit}; the other ranks stop within {Timeout.TotalSeconds:0} s");
                }
            }
            if (failedAt is { } t && DateTime.UtcNow - t > Timeout + TimeSpan.FromSeconds(10))
            {
                foreach (int rank in pending) ranks[rank].Kill(entireProcessTree: true);
                Console.Error.WriteLine($"lab: stopped rank(s) {string.Join(", ", pending)} that did not end by themselves");
                break;
            }
            Thread.Sleep(100);
        }
        return code;
    }

    private static IEnumerable<string> WithoutNproc(List<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--nproc") { i++; continue; }
            if (args[i].StartsWith("--nproc=", StringComparison.Ordinal)) continue;
            yield return args[i];
        }
    }
}
