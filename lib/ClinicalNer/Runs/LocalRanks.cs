using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ClinicalNer.Data;
using ClinicalNer.Models;
using ClinicalNer.Training;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Runs;

/// <summary>
/// Data-parallel training of one run started inside a process that is not a rank: a notebook kernel or a file-based app.
/// This process becomes rank 0 of <see cref="Count"/> (it keeps the run store, the progress and the model) and starts the
/// other ranks on this machine as <c>lab rank-worker JOB</c> processes, each reading the run from a <see cref="RankJob"/>
/// folder; the cores are shared out among the ranks, then given back. The ranks train over gloo on the CPU, as
/// <c>lab train --nproc</c> does (<see cref="DataParallel"/>).
/// </summary>
public sealed class LocalRanks
{
    private readonly string? labDll;

    /// <summary>Training over <paramref name="count"/> ranks (1: in this process alone).</summary>
    /// <param name="count">The ranks, this process included.</param>
    /// <param name="labDll">The built <c>lab.dll</c> the other ranks run (null: the repository's, found from here).</param>
    /// <param name="timeout">How long a rank, a collective or the rendezvous may keep the others waiting (null: <see cref="DefaultTimeout"/>).</param>
    public LocalRanks(int count, string? labDll = null, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Count = count;
        this.labDll = labDll;
        Timeout = timeout ?? DefaultTimeout;
    }

    /// <summary>The ranks, this process included.</summary>
    public int Count { get; }

    /// <summary>How long a rank, a collective or the rendezvous may keep the others waiting.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>LAB_DIST_TIMEOUT seconds, else five minutes.</summary>
    public static TimeSpan DefaultTimeout =>
        int.TryParse(Environment.GetEnvironmentVariable("LAB_DIST_TIMEOUT"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int s) && s > 0
            ? TimeSpan.FromSeconds(s) : TimeSpan.FromMinutes(5);

    /// <summary>
    /// Runs <paramref name="asRankZero"/> (which trains <paramref name="model"/> with <paramref name="options"/>, e.g. through
    /// <see cref="TrackedRun"/>) as rank 0 while the other ranks train the same run; returns what it returns. With one rank
    /// it just calls it.
    /// </summary>
    /// <exception cref="InvalidOperationException">A rank failed: names it, its exit code and the end of its output.</exception>
    public T Train<T>(INerModel model, TrainerOptions options, IReadOnlyList<Document> train, IReadOnlyList<Document> dev, Func<T> asRankZero)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(asRankZero);
        if (Count == 1) return asRankZero();
        if (torch.distributed.is_initialized())
            throw new InvalidOperationException("this process is already a rank of a torch.distributed group; it cannot start ranks of its own");
        if ((options.Device ?? model.Device).type != DeviceType.CPU)
            throw new ArgumentException($"{Count} ranks train on the CPU over gloo (NCCL for GPUs is not built); set device = \"cpu\" or use one rank");
        string dll = LabDll();
        var job = Directory.CreateTempSubdirectory("cner-ranks-");
        RankJob.Write(job.FullName, model, options, train, dev);
        int port = torch.distributed.FreeLocalPort(), threads = ThreadsPerRank(Count);
        var workers = Enumerable.Range(1, Count - 1).Select(rank => Worker.Start(dll, job.FullName, rank, Count, port, Timeout)).ToList();
        var (torchBefore, blasBefore) = (Threading.TorchThreads, Threading.BlasThreads);
        try
        {
            WaitUntilReady(workers, job.FullName);
            Threading.Configure(threads, threads);
            torch.distributed.init_process_group("gloo", $"tcp://127.0.0.1:{port}", 0, Count, Timeout);
            T result;
            try { result = asRankZero(); }
            catch (Exception e) { throw Failure(workers, e); }
            finally { torch.distributed.destroy_process_group(); }
            foreach (var w in workers) w.Finish(Timeout, Count);
            return result;
        }
        finally
        {
            if (torchBefore > 0) Threading.Configure(torchBefore, Math.Max(blasBefore, 1));
            foreach (var w in workers) w.Dispose();
            job.Delete(recursive: true);   // what a failed rank printed is in the exception; the job holds a copy of the model
        }
    }

    // The lab the other ranks run: the one given, else the repository's build (Release, as ./lab builds it, else Debug).
    private string LabDll()
    {
        if (labDll is not null)
            return File.Exists(labDll) ? labDll : throw new FileNotFoundException($"the lab given for the other ranks, {labDll}, does not exist", labDll);
        string root = DataPaths.RepositoryRoot()
            ?? throw new DirectoryNotFoundException($"{Count} ranks run the repository's lab, and no repository (Notebooks.sln) was found above {Environment.CurrentDirectory}");
        return Configurations.Select(c => Path.Combine(root, "lib", "Cli", "bin", c, "net10.0", "lab.dll")).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{Count} ranks run the repository's lab, which is not built under {root}/lib/Cli/bin: run ./lab setup");
    }

    private static readonly string[] Configurations = ["Release", "Debug"];

    // Each rank says it has read the job before it joins the group: a rank that fails on the way (an unreadable job, a
    // lab not built) is reported at once instead of after the rendezvous's timeout.
    private void WaitUntilReady(List<Worker> workers, string job)
    {
        var clock = Stopwatch.StartNew();
        while (!workers.All(w => File.Exists(Path.Combine(job, ReadyFile(w.Rank)))))
        {
            if (workers.FirstOrDefault(w => w.HasExited) is { } gone) throw new InvalidOperationException(gone.Describe(Count));
            if (clock.Elapsed > Timeout)
                throw new TimeoutException($"rank(s) {string.Join(", ", workers.Where(w => !File.Exists(Path.Combine(job, ReadyFile(w.Rank)))).Select(w => w.Rank))} " +
                                           $"of {Count} did not read the job {job} within {Timeout.TotalSeconds:0} s");
            Thread.Sleep(50);
        }
    }

    /// <summary>The cores each of <paramref name="count"/> ranks on this machine gets (at least one).</summary>
    public static int ThreadsPerRank(int count) => Math.Max(1, Environment.ProcessorCount / count);

    /// <summary>
    /// A child rank's environment for rank <paramref name="rank"/> of <paramref name="count"/> on this machine: the env://
    /// variables torchrun sets, and its share of the cores (CNER_TORCH_THREADS, CNER_BLAS_THREADS).
    /// </summary>
    public static void SetRankEnvironment(IDictionary<string, string?> environment, int rank, int count, int port)
    {
        torch.distributed.SetLocalRankEnvironment(environment, rank, count, port);
        environment["CNER_TORCH_THREADS"] = environment["CNER_BLAS_THREADS"] = ThreadsPerRank(count).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The file a rank writes into the job folder once it has read the job, just before it joins the group.</summary>
    public static string ReadyFile(int rank) => "ready." + rank.ToString(CultureInfo.InvariantCulture);

    // Rank 0 failed: a rank that died is the likely cause, and is named; the others are stopped.
    private Exception Failure(List<Worker> workers, Exception e)
    {
        var gone = workers.FirstOrDefault(w => w.WaitForExit(TimeSpan.FromSeconds(2)) && w.ExitCode != 0);
        return gone is null ? e : new InvalidOperationException($"data-parallel training failed: {gone.Describe(Count)}", e);
    }

    // One rank process: started, its output kept (the last lines are quoted when it fails), stopped if still running at the end.
    private sealed class Worker : IDisposable
    {
        private readonly Process process;
        private readonly ConcurrentQueue<string> tail = new();

        private Worker(Process process, int rank)
        {
            this.process = process;
            Rank = rank;
        }

        public int Rank { get; }

        public bool HasExited => process.HasExited;

        public int ExitCode => process.ExitCode;

        public static Worker Start(string dll, string job, int rank, int count, int port, TimeSpan timeout)
        {
            var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Environment.CurrentDirectory };
            foreach (string a in new[] { dll, "rank-worker", job }) psi.ArgumentList.Add(a);
            SetRankEnvironment(psi.Environment, rank, count, port);
            psi.Environment["LAB_DIST_TIMEOUT"] = ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            var worker = new Worker(new Process { StartInfo = psi }, rank);
            worker.process.OutputDataReceived += (_, e) => worker.Keep(e.Data);
            worker.process.ErrorDataReceived += (_, e) => worker.Keep(e.Data);
            worker.process.Start();
            worker.process.BeginOutputReadLine();
            worker.process.BeginErrorReadLine();
            return worker;
        }

        private void Keep(string? line)
        {
            if (line is null) return;
            tail.Enqueue(line);
            while (tail.Count > 20) tail.TryDequeue(out _);
        }

        public bool WaitForExit(TimeSpan limit) => process.WaitForExit(limit);

        // For a rank that has exited: its output is read to the end first.
        public string Describe(int count)
        {
            process.WaitForExit();
            return $"rank {Rank} of {count} exited with code {process.ExitCode}; its output ends:\n  {string.Join("\n  ", tail.TakeLast(8))}";
        }

        // After rank 0's run: the rank ends by itself once it has read best/; a rank that failed there fails the run.
        public void Finish(TimeSpan limit, int count)
        {
            if (!process.WaitForExit(limit)) throw new TimeoutException($"rank {Rank} did not end within {limit.TotalSeconds:0} s after rank 0 finished the run");
            if (process.ExitCode != 0) throw new InvalidOperationException(Describe(count));
        }

        public void Dispose()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }
}
