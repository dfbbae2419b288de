using System.Globalization;
using System.Runtime.InteropServices;
using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

public static partial class torch
{
    /// <summary>
    /// PyTorch's distributed engine (c10d) under <c>torch.distributed</c>'s names: stores, the gloo process group and the
    /// collectives. Everything goes through libtorch's own c10d and gloo, so a group may hold Python ranks beside ours.
    /// </summary>
    public static partial class distributed
    {
        /// <summary>PyTorch's default timeout of a process group and its store (30 minutes).</summary>
        public static readonly TimeSpan default_pg_timeout = TimeSpan.FromMinutes(30);

        private static ProcessGroup? world;

        /// <summary>Whether this build of the shim carries c10d and gloo (as <c>torch.distributed.is_available()</c>).</summary>
        public static bool is_available() => TS_distributed_available() != 0;

        /// <summary>Whether <see cref="init_process_group"/> has made the default group.</summary>
        public static bool is_initialized() => world is not null;

        /// <summary>The default group (as <c>torch.distributed.group.WORLD</c>).</summary>
        /// <exception cref="InvalidOperationException">No default group.</exception>
        public static ProcessGroup WORLD => world ?? throw new InvalidOperationException("torch.distributed: the default process group is not initialized (init_process_group)");

        /// <summary>This process's rank in the default group.</summary>
        public static int get_rank() => WORLD.rank();

        /// <summary>The default group's size.</summary>
        public static int get_world_size() => WORLD.size();

        /// <summary>
        /// Makes the default group, as <c>torch.distributed.init_process_group</c>: with <paramref name="init_method"/>
        /// "env://" (the default) rank 0 serves a TCP store at MASTER_ADDR:MASTER_PORT (under torchrun, the agent's store)
        /// and every rank joins it; "tcp://HOST:PORT" names that address itself; "file://PATH" uses a file store; or a
        /// <paramref name="store"/> of one's own. The gloo group forms over the store with the prefixes and the store-based
        /// barrier PyTorch 1.13 uses, so Python ranks can join, and the call returns when all <paramref name="world_size"/>
        /// ranks are in. Rank and size default to RANK and WORLD_SIZE, as torchrun sets them.
        /// </summary>
        /// <exception cref="ArgumentException">A backend other than gloo, an unknown init method, or missing or malformed environment.</exception>
        /// <exception cref="TimeoutException">Not every rank arrived within the timeout.</exception>
        public static ProcessGroup init_process_group(string backend = "gloo", string init_method = "env://", int rank = -1, int world_size = -1,
            TimeSpan? timeout = null, Store? store = null)
        {
            if (world is not null) throw new InvalidOperationException("torch.distributed: the default process group is already initialized");
            if (!string.Equals(backend, "gloo", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"torch.distributed: backend '{backend}' is not built into this shim; use gloo", nameof(backend));
            var limit = timeout ?? default_pg_timeout;
            if (rank < 0) rank = EnvInt("RANK");
            if (world_size < 0) world_size = EnvInt("WORLD_SIZE");
            if (rank >= world_size) throw new ArgumentException($"torch.distributed: rank {rank} is not below the world size {world_size}");
            // As PyTorch: a rendezvous's store gets the "default_pg" prefix (against other users of a shared store); a given one is used as it is.
            var prefixed = store ?? new PrefixStore("default_pg", Rendezvous(init_method, rank, world_size, limit));
            var group = new ProcessGroup(new PrefixStore("0", prefixed), rank, world_size, limit);
            StoreBarrier(prefixed, "store_based_barrier_key:1", rank, world_size, limit);
            group.SetSequenceNumber();
            world = group;
            return group;
        }

        /// <summary>Closes the default group.</summary>
        public static void destroy_process_group()
        {
            world?.Dispose();
            world = null;
        }

        /// <summary>Reduces <paramref name="tensor"/> in place over the default group (as <c>all_reduce</c>).</summary>
        public static void all_reduce(Tensor tensor, ReduceOp op = ReduceOp.SUM) => WORLD.all_reduce(tensor, op);

        /// <summary>Copies rank <paramref name="src"/>'s tensor into every rank's (as <c>broadcast</c>).</summary>
        public static void broadcast(Tensor tensor, int src) => WORLD.broadcast(tensor, src);

        /// <summary>Every rank's tensor into <paramref name="tensor_list"/> (as <c>all_gather</c>).</summary>
        public static void all_gather(IReadOnlyList<Tensor> tensor_list, Tensor tensor) => WORLD.all_gather(tensor_list, tensor);

        /// <summary>Waits for every rank (as <c>barrier</c>).</summary>
        public static void barrier() => WORLD.barrier();

        private static Store Rendezvous(string initMethod, int rank, int worldSize, TimeSpan timeout)
        {
            ArgumentNullException.ThrowIfNull(initMethod);
            if (initMethod == "env://") return TCPStore.FromEnvironment(rank, worldSize, timeout);
            if (initMethod.StartsWith("file://", StringComparison.Ordinal)) return new FileStore(initMethod["file://".Length..], worldSize);
            if (initMethod.StartsWith("tcp://", StringComparison.Ordinal) && Uri.TryCreate(initMethod, UriKind.Absolute, out var uri) && uri.Port > 0)
                return new TCPStore(uri.Host, uri.Port, worldSize, rank == 0, timeout);
            throw new ArgumentException($"torch.distributed: init_method '{initMethod}' is not env://, tcp://HOST:PORT or file://PATH");
        }

        // PyTorch 1.13's _store_based_barrier: each rank adds 1 to the key, then waits until the count is the world size.
        private static void StoreBarrier(Store store, string key, int rank, int worldSize, TimeSpan timeout)
        {
            store.add(key, 1);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long arrived;
            while ((arrived = store.add(key, 0)) < worldSize)
            {
                if (clock.Elapsed > timeout)
                    throw new TimeoutException($"torch.distributed: rank {rank} waited {timeout.TotalSeconds:0} s for {worldSize} ranks to join and {arrived} did " +
                                               "(a rank that never started, or a wrong WORLD_SIZE)");
                Thread.Sleep(10);
            }
        }

        /// <summary>A TCP port on 127.0.0.1 that was free a moment ago (for MASTER_PORT of a job on this machine).</summary>
        public static int FreeLocalPort()
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        /// <summary>
        /// The env:// variables of rank <paramref name="rank"/> of a job on this machine, as torchrun sets them: MASTER_ADDR
        /// (127.0.0.1), MASTER_PORT, RANK, LOCAL_RANK and WORLD_SIZE, written into a child process's environment.
        /// </summary>
        public static void SetLocalRankEnvironment(IDictionary<string, string?> environment, int rank, int world_size, int port)
        {
            ArgumentNullException.ThrowIfNull(environment);
            string Str(int v) => v.ToString(CultureInfo.InvariantCulture);
            foreach (var (k, v) in new[] { ("MASTER_ADDR", "127.0.0.1"), ("MASTER_PORT", Str(port)), ("RANK", Str(rank)), ("LOCAL_RANK", Str(rank)), ("WORLD_SIZE", Str(world_size)) })
                environment[k] = v;
        }

        internal static int EnvInt(string name)
        {
            string? value = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrWhiteSpace(value))
                throw new ArgumentException($"torch.distributed: {name} is not set (env:// reads MASTER_ADDR, MASTER_PORT, RANK and WORLD_SIZE, as torchrun sets them)");
            return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 0 ? n
                : throw new ArgumentException($"torch.distributed: {name}={value} is not a non-negative integer");
        }
    }
}
