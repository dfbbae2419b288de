using System.Globalization;
using System.Runtime.InteropServices;
using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

public static partial class torch
{
    public static partial class distributed
    {
        /// <summary>Reductions of <see cref="all_reduce"/> (c10d's ReduceOp).</summary>
        public enum ReduceOp
        {
            /// <summary>Sum.</summary>
            SUM = 0,
            /// <summary>Product.</summary>
            PRODUCT = 1,
            /// <summary>Minimum.</summary>
            MIN = 2,
            /// <summary>Maximum.</summary>
            MAX = 3,
        }

        /// <summary>A c10d key-value store through which ranks meet (as <c>torch.distributed.Store</c>).</summary>
        public abstract class Store : IDisposable
        {
            private IntPtr handle;

            private protected Store(IntPtr handle)
            {
                if (handle == IntPtr.Zero) NativeError.Throw();
                this.handle = handle;
            }

            internal IntPtr Handle => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(GetType().Name);

            /// <summary>Sets a key.</summary>
            public void set(string key, byte[] value)
            {
                ArgumentNullException.ThrowIfNull(value);
                NativeError.Check(TS_Store_set(Handle, key, value, value.Length));
            }

            /// <summary>Sets a key to a UTF-8 string.</summary>
            public void set(string key, string value) => set(key, System.Text.Encoding.UTF8.GetBytes(value));

            /// <summary>A key's value, waiting for it up to the store's timeout.</summary>
            public byte[] get(string key)
            {
                NativeError.Check(TS_Store_get(Handle, key, out IntPtr value, out long length));
                try
                {
                    var bytes = new byte[length];
                    Marshal.Copy(value, bytes, 0, (int)length);
                    return bytes;
                }
                finally
                {
                    TS_Store_free_value(value);
                }
            }

            /// <summary>Adds to a counter key and returns its new value.</summary>
            public long add(string key, long amount)
            {
                NativeError.Check(TS_Store_add(Handle, key, amount, out long result));
                return result;
            }

            /// <summary>How long <see cref="get"/> waits.</summary>
            public void set_timeout(TimeSpan timeout) => NativeError.Check(TS_Store_set_timeout(Handle, (long)timeout.TotalMilliseconds));

            /// <inheritdoc/>
            public void Dispose()
            {
                Free();
                GC.SuppressFinalize(this);
            }

            /// <summary>Frees the native store.</summary>
            ~Store() => Free();

            private void Free()
            {
                var h = Interlocked.Exchange(ref handle, IntPtr.Zero);
                if (h != IntPtr.Zero) TS_Store_free(h);
            }
        }

        /// <summary>A store served over TCP by one process (as <c>torch.distributed.TCPStore</c>).</summary>
        public sealed class TCPStore : Store
        {
            /// <summary>Serves (<paramref name="is_master"/>) or joins the store at host:port.</summary>
            /// <exception cref="TorchException">The port is taken (serving) or nobody serves it within the timeout (joining).</exception>
            public TCPStore(string host_name, int port, int world_size = -1, bool is_master = false, TimeSpan? timeout = null)
                : base(Open(host_name, port, world_size, is_master, timeout ?? default_pg_timeout)) { }

            private static IntPtr Open(string host, int port, int worldSize, bool isMaster, TimeSpan timeout)
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(host);
                if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "a TCP port is 1-65535");
                IntPtr h = TS_Store_tcp(host, port, worldSize, isMaster ? 1 : 0, (long)timeout.TotalMilliseconds);
                if (h != IntPtr.Zero) return h;
                try { NativeError.Throw(); }
                catch (TorchException e)
                {
                    throw new TorchException(isMaster
                        ? $"torch.distributed: rank 0 could not serve the store on {host}:{port} ({e.Message}); is the port taken by another job? Set MASTER_PORT to a free one"
                        : $"torch.distributed: could not reach the store at {host}:{port} within {timeout.TotalSeconds:0} s ({e.Message}); is rank 0 running, and MASTER_ADDR/MASTER_PORT the same on every rank?");
                }
                return IntPtr.Zero;
            }

            /// <summary>
            /// The store of env:// rendezvous, as PyTorch makes it: under torchrun (TORCHELASTIC_USE_AGENT_STORE=True) every
            /// rank is a client of the agent's store at MASTER_ADDR:MASTER_PORT, its keys under "/worker/attempt_N";
            /// otherwise rank 0 serves it there.
            /// </summary>
            public static Store FromEnvironment(int rank, int worldSize, TimeSpan timeout)
            {
                string host = Environment.GetEnvironmentVariable("MASTER_ADDR") is { Length: > 0 } h ? h
                    : throw new ArgumentException("torch.distributed: MASTER_ADDR is not set (env:// reads MASTER_ADDR, MASTER_PORT, RANK and WORLD_SIZE, as torchrun sets them)");
                int port = EnvInt("MASTER_PORT");
                if (Environment.GetEnvironmentVariable("TORCHELASTIC_USE_AGENT_STORE") != "True") return new TCPStore(host, port, worldSize, rank == 0, timeout);
                string attempt = Environment.GetEnvironmentVariable("TORCHELASTIC_RESTART_COUNT") ?? "0";
                return new PrefixStore($"/worker/attempt_{attempt}", new TCPStore(host, port, worldSize, is_master: false, timeout));
            }
        }

        /// <summary>A store in a file every rank can open (as <c>torch.distributed.FileStore</c>).</summary>
        public sealed class FileStore : Store
        {
            /// <summary>Opens or creates the store file.</summary>
            public FileStore(string file_name, int world_size = -1) : base(TS_Store_file(file_name, world_size)) { }
        }

        /// <summary>Another store's keys under "prefix/" (as <c>torch.distributed.PrefixStore</c>).</summary>
        public sealed class PrefixStore : Store
        {
            /// <summary>Wraps <paramref name="store"/> (which the native prefix store keeps alive).</summary>
            public PrefixStore(string prefix, Store store) : base(TS_Store_prefix(prefix, (store ?? throw new ArgumentNullException(nameof(store))).Handle)) { }
        }

        /// <summary>
        /// A gloo process group (as <c>torch.distributed.ProcessGroupGloo</c>). Every collective waits at most the group's
        /// timeout; a peer that exited or stopped answering ends it with an error naming this rank and the collective.
        /// </summary>
        public sealed class ProcessGroup : IDisposable
        {
            private IntPtr handle;

            /// <summary>Forms a gloo group of <paramref name="size"/> ranks over <paramref name="store"/>; returns when all have joined.</summary>
            public ProcessGroup(Store store, int rank, int size, TimeSpan? timeout = null)
            {
                ArgumentNullException.ThrowIfNull(store);
                if (size < 1 || rank < 0 || rank >= size) throw new ArgumentException($"torch.distributed: rank {rank} of a group of {size}");
                Timeout = timeout ?? default_pg_timeout;
                handle = TS_ProcessGroupGloo_new(store.Handle, rank, size, (long)Timeout.TotalMilliseconds);
                if (handle == IntPtr.Zero) Fail("forming the gloo group");
            }

            /// <summary>The limit of every collective.</summary>
            public TimeSpan Timeout { get; }

            internal IntPtr Handle => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(ProcessGroup));

            /// <summary>This process's rank.</summary>
            public int rank() => TS_ProcessGroup_rank(Handle);

            /// <summary>The number of ranks.</summary>
            public int size() => TS_ProcessGroup_size(Handle);

            internal void SetSequenceNumber() => Check(TS_ProcessGroup_set_sequence_number(Handle), "setting the group's sequence number");

            /// <summary>Reduces <paramref name="tensor"/> in place over the group.</summary>
            public void all_reduce(Tensor tensor, ReduceOp op = ReduceOp.SUM)
            {
                ArgumentNullException.ThrowIfNull(tensor);
                Check(TS_ProcessGroup_all_reduce(Handle, tensor.Handle, (int)op, 0), "all_reduce");
            }

            /// <summary>Copies rank <paramref name="src"/>'s tensor into every rank's.</summary>
            public void broadcast(Tensor tensor, int src)
            {
                ArgumentNullException.ThrowIfNull(tensor);
                Check(TS_ProcessGroup_broadcast(Handle, tensor.Handle, src, 0), $"broadcast from rank {src}");
            }

            /// <summary>Every rank's tensor into <paramref name="tensor_list"/> (one per rank, shaped as <paramref name="tensor"/>).</summary>
            public void all_gather(IReadOnlyList<Tensor> tensor_list, Tensor tensor)
            {
                ArgumentNullException.ThrowIfNull(tensor_list);
                ArgumentNullException.ThrowIfNull(tensor);
                if (tensor_list.Count != size()) throw new ArgumentException($"all_gather needs one output per rank ({size()}), not {tensor_list.Count}");
                Check(TS_ProcessGroup_all_gather(Handle, Pointers(tensor_list), tensor_list.Count, tensor.Handle, 0), "all_gather");
                GC.KeepAlive(tensor_list);
            }

            /// <summary>Waits for every rank.</summary>
            public void barrier() => Check(TS_ProcessGroup_barrier(Handle, 0), "barrier");

            internal void Check(int status, string what)
            {
                if (status != 0) Fail(what);
            }

            private void Fail(string what)
            {
                try { NativeError.Throw(); }
                catch (TorchException e)
                {
                    string who = handle == IntPtr.Zero ? "" : string.Create(CultureInfo.InvariantCulture, $" on rank {rank()} of {size()}");
                    throw new DistributedException($"torch.distributed: {what}{who} failed: {e.Message} (another rank exited, stopped answering " +
                                                   $"within the group's timeout of {Timeout.TotalSeconds:0} s, or called a different collective)", e);
                }
            }

            /// <inheritdoc/>
            public void Dispose()
            {
                var h = Interlocked.Exchange(ref handle, IntPtr.Zero);
                if (h != IntPtr.Zero) TS_ProcessGroup_free(h);
                GC.SuppressFinalize(this);
            }

            /// <summary>Frees the native group.</summary>
            ~ProcessGroup() => Dispose();
        }
    }
}

/// <summary>A collective or rendezvous of torch.distributed failed (a peer exited or timed out).</summary>
public sealed class DistributedException(string message, Exception inner) : Exception(message, inner);
