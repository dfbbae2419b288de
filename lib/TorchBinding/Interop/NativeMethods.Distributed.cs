using System.Runtime.InteropServices;

namespace TorchBinding.Interop;

// c10d: stores, the gloo process group, its collectives and the gradient reducer (ts_distributed.cpp).
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial int TS_distributed_available();
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr TS_Store_tcp(string host, int port, int worldSize, int isServer, long timeoutMs);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr TS_Store_file(string path, int worldSize);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr TS_Store_prefix(string prefix, IntPtr store);
    [LibraryImport(Lib)] internal static partial void TS_Store_free(IntPtr store);
    [LibraryImport(Lib)] internal static partial int TS_Store_set_timeout(IntPtr store, long timeoutMs);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int TS_Store_set(IntPtr store, string key, byte[] value, long length);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int TS_Store_get(IntPtr store, string key, out IntPtr value, out long length);
    [LibraryImport(Lib)] internal static partial void TS_Store_free_value(IntPtr value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int TS_Store_add(IntPtr store, string key, long amount, out long result);
    [LibraryImport(Lib)] internal static partial IntPtr TS_ProcessGroupGloo_new(IntPtr store, int rank, int size, long timeoutMs);
    [LibraryImport(Lib)] internal static partial void TS_ProcessGroup_free(IntPtr group);
    [LibraryImport(Lib)] internal static partial int TS_ProcessGroup_rank(IntPtr group);
    [LibraryImport(Lib)] internal static partial int TS_ProcessGroup_size(IntPtr group);
    [LibraryImport(Lib)] internal static partial int TS_ProcessGroup_set_sequence_number(IntPtr group);
    [LibraryImport(Lib)] internal static partial int TS_ProcessGroup_all_reduce(IntPtr group, TensorHandle tensor, int op, long timeoutMs);
    [LibraryImport(Lib)] internal static partial int TS_ProcessGroup_broadcast(IntPtr group, TensorHandle tensor, int root, long timeoutMs);
    [LibraryImport(Lib)] internal static partial int TS_ProcessGroup_all_gather(IntPtr group, IntPtr[] outputs, int n, TensorHandle input, long timeoutMs);
    [LibraryImport(Lib)] internal static partial int TS_ProcessGroup_barrier(IntPtr group, long timeoutMs);
    [LibraryImport(Lib)] internal static partial IntPtr TS_Reducer_new(IntPtr group, IntPtr[] parameters, int n, long firstBucketBytes, long bucketBytes);
    [LibraryImport(Lib)] internal static partial int TS_Reducer_bucket_count(IntPtr reducer);
    [LibraryImport(Lib)] internal static partial int TS_Reducer_prepare(IntPtr reducer, double weight, int overlap, IntPtr[] outputs, int n);
    [LibraryImport(Lib)] internal static partial int TS_Reducer_overlapped_buckets(IntPtr reducer);
    [LibraryImport(Lib)] internal static partial int TS_Reducer_finalize(IntPtr reducer, long timeoutMs);
    [LibraryImport(Lib)] internal static partial void TS_Reducer_free(IntPtr reducer);
}
