using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using static TorchBinding.torch;
using static TorchBinding.torch.distributed;

namespace TorchBinding.Tests;

/// <summary>
/// torch.distributed on libtorch's c10d: one of our ranks and one Python PyTorch rank in one gloo group (the real engine),
/// the collectives between two groups of ours, and the errors of a rendezvous that cannot form or a peer that is gone.
/// </summary>
[Collection("distributed")]   // the default group is process-wide
public class DistributedTests
{

    [Fact]
    public void Our_rank_and_a_Python_rank_all_reduce_in_one_gloo_group()
    {
        Assert.True(is_available(), "the shim was built without c10d/gloo headers (libgloo-dev)");
        int port = FreeLocalPort();
        // Rank 1 is PyTorch itself: init_process_group("gloo") over env://, then the same collectives as ours.
        const string script = """
            import torch, torch.distributed as dist
            dist.init_process_group("gloo")
            t = torch.tensor([10.0, 20.0, 30.0]) * (dist.get_rank() + 1)
            dist.all_reduce(t)
            b = torch.zeros(2)
            dist.broadcast(b, src=0)
            print(" ".join(f"{v:g}" for v in t.tolist() + b.tolist()), flush=True)
            dist.barrier()
            """;
        var psi = new ProcessStartInfo(PyTorchOracle.Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var (k, v) in new[] { ("MASTER_ADDR", "127.0.0.1"), ("MASTER_PORT", port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("RANK", "1"), ("WORLD_SIZE", "2"), ("OMP_NUM_THREADS", "1") })
            psi.Environment[k] = v;
        using var python = Process.Start(psi)!;
        try
        {
            // Ours names the address (tcp://), Python reads it from the environment (env://): the same rendezvous.
            var group = init_process_group("gloo", $"tcp://127.0.0.1:{port}", rank: 0, world_size: 2, timeout: TimeSpan.FromSeconds(60));
            Assert.Equal(0, get_rank());
            Assert.Equal(2, get_world_size());
            var t = tensor(new[] { 10f, 20f, 30f });
            all_reduce(t);
            // Ours: 1 × [10, 20, 30]; Python's: 2 × [10, 20, 30]; both hold the sum.
            Assert.Equal([30f, 60f, 90f], t.data<float>());
            broadcast(tensor(new[] { 7f, -1f }), 0);
            barrier();
            string output = python.StandardOutput.ReadToEnd().Trim();
            python.WaitForExit();
            Assert.True(python.ExitCode == 0, python.StandardError.ReadToEnd());
            Assert.Equal("30 60 90 7 -1", output);
            Assert.Same(group, WORLD);
        }
        finally
        {
            destroy_process_group();
            if (!python.HasExited) python.Kill();
        }
        Assert.False(is_initialized());
    }

    [Fact]
    public void Two_groups_of_ours_broadcast_all_gather_and_reduce()
    {
        int port = FreeLocalPort();
        var results = new string[2];
        void Rank(int rank)
        {
            using var store = new TCPStore("127.0.0.1", port, 2, is_master: rank == 0, timeout: TimeSpan.FromSeconds(30));
            using var group = new ProcessGroup(store, rank, 2, TimeSpan.FromSeconds(30));
            var w = rank == 0 ? tensor(new[] { 1f, 2f }) : zeros(2);
            group.broadcast(w, 0);
            var gathered = new[] { zeros(2), zeros(2) };
            group.all_gather(gathered, tensor(new[] { (float)rank, rank + 0.5f }));
            var m = tensor(new[] { rank + 1f });
            group.all_reduce(m, ReduceOp.MAX);
            group.barrier();
            results[rank] = string.Join(" ", w.data<float>().Concat(gathered.SelectMany(g => g.data<float>())).Append(m.item<float>()));
        }
        var threads = new[] { new Thread(() => Rank(0)), new Thread(() => Rank(1)) };
        foreach (var th in threads) th.Start();
        foreach (var th in threads) Assert.True(th.Join(TimeSpan.FromSeconds(60)), "a rank hung");
        Assert.Equal("1 2 0 0.5 1 1.5 2", results[0]);
        Assert.Equal(results[0], results[1]);
    }

    [Fact]
    public void A_rank_that_hangs_ends_the_others_collective_at_the_groups_timeout_with_a_message()
    {
        int port = FreeLocalPort();
        using var gone = new ManualResetEventSlim();
        Exception? caught = null;
        void Rank(int rank)
        {
            using var store = new TCPStore("127.0.0.1", port, 2, is_master: rank == 0, timeout: TimeSpan.FromSeconds(30));
            using var group = new ProcessGroup(store, rank, 2, TimeSpan.FromSeconds(2));
            if (rank == 1)
            {
                gone.Wait(TimeSpan.FromSeconds(60));   // joined, then never takes part: a rank that hangs
                return;
            }
            try { group.all_reduce(ones(3)); }
            catch (Exception e) { caught = e; }
            finally { gone.Set(); }
        }
        var threads = new[] { new Thread(() => Rank(0)), new Thread(() => Rank(1)) };
        foreach (var th in threads) th.Start();
        foreach (var th in threads) Assert.True(th.Join(TimeSpan.FromSeconds(60)), "a rank hung past the group's timeout");
        var error = Assert.IsType<DistributedException>(caught);
        Assert.Contains("all_reduce on rank 0 of 2 failed", error.Message);
        Assert.Contains("timeout of 2 s", error.Message);
    }

    [Fact]
    public void A_rendezvous_that_cannot_form_says_why()
    {
        // Nobody serves the port: joining fails within the timeout and names the address.
        int port = FreeLocalPort();
        var e = Assert.Throws<TorchException>(() => new TCPStore("127.0.0.1", port, 2, is_master: false, timeout: TimeSpan.FromSeconds(2)));
        Assert.Contains($"127.0.0.1:{port}", e.Message);
        // The port is taken: serving fails and says so.
        var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        try
        {
            int taken = ((IPEndPoint)listener.LocalEndpoint).Port;
            var busy = Assert.Throws<TorchException>(() => new TCPStore("127.0.0.1", taken, 1, is_master: true, timeout: TimeSpan.FromSeconds(2)));
            Assert.Contains("port", busy.Message);
        }
        finally
        {
            listener.Stop();
        }
        // A world of 2 where only one rank comes: the barrier names how many arrived.
        int lone = FreeLocalPort();
        var timeout = Assert.ThrowsAny<Exception>(() => init_process_group("gloo", $"tcp://127.0.0.1:{lone}", rank: 0, world_size: 2,
            timeout: TimeSpan.FromSeconds(2)));
        Assert.False(is_initialized());
        Assert.Contains("torch.distributed", timeout.Message);
        Assert.Contains("init_method 'udp://x'", Assert.Throws<ArgumentException>(() => init_process_group("gloo", "udp://x", 0, 1)).Message);
        // No environment: env:// names what is missing.
        Assert.Contains("is not set", Assert.Throws<ArgumentException>(() => TCPStore.FromEnvironment(0, 1, TimeSpan.FromSeconds(1))).Message);
    }
}
