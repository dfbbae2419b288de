using System.Runtime.InteropServices;

namespace TorchBinding.Interop;

internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_view(TensorHandle t, ReadOnlySpan<long> shape, int n);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_reshape(TensorHandle t, ReadOnlySpan<long> shape, int n);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_transpose(TensorHandle t, long d0, long d1);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_permute(TensorHandle t, ReadOnlySpan<long> dims, int n);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_squeeze(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_squeeze_dim(TensorHandle t, long dim);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_unsqueeze(TensorHandle t, long dim);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_expand(TensorHandle t, ReadOnlySpan<long> shape, int n);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_narrow(TensorHandle t, long dim, long start, long length);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_select(TensorHandle t, long dim, long index);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_slice(TensorHandle t, long dim, long start, long end, long step);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_flatten(TensorHandle t, long start, long end);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_flip(TensorHandle t, ReadOnlySpan<long> dims, int n);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_repeat(TensorHandle t, ReadOnlySpan<long> repeats, int n);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_tril(TensorHandle t, long k);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_triu(TensorHandle t, long k);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_cat(IntPtr[] tensors, int n, long dim);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_stack(IntPtr[] tensors, int n, long dim);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_chunk(TensorHandle t, long chunks, long dim, [Out] IntPtr[] pieces, int capacity);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_split(TensorHandle t, long size, long dim, [Out] IntPtr[] pieces, int capacity);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_split_sizes(TensorHandle t, ReadOnlySpan<long> sizes, int n, long dim, [Out] IntPtr[] pieces, int capacity);

    // Indexing
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_index_select(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_gather(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_scatter(TensorHandle t, long dim, TensorHandle index, TensorHandle src);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_scatter_value(TensorHandle t, long dim, TensorHandle index, NativeScalar value);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_scatter_add(TensorHandle t, long dim, TensorHandle index, TensorHandle src);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_masked_fill(TensorHandle t, TensorHandle mask, NativeScalar value);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_masked_fill_(TensorHandle t, TensorHandle mask, NativeScalar value);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_masked_select(TensorHandle t, TensorHandle mask);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_nonzero(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_one_hot(TensorHandle t, long numClasses);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_index(TensorHandle t, int[] kinds, long[] a, long[] b, long[] c, int[] flags, IntPtr[] tensors, int n);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_index_put_(TensorHandle t, int[] kinds, long[] a, long[] b, long[] c, int[] flags, IntPtr[] tensors, int n, TensorHandle value);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_index_put_scalar_(TensorHandle t, int[] kinds, long[] a, long[] b, long[] c, int[] flags, IntPtr[] tensors, int n, NativeScalar value);

    // Linear algebra
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_matmul(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_mm(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_bmm(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_baddbmm(TensorHandle self, TensorHandle b1, TensorHandle b2, NativeScalar beta, NativeScalar alpha);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_addmm(TensorHandle self, TensorHandle m1, TensorHandle m2, NativeScalar beta, NativeScalar alpha);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial TensorHandle TS_Tensor_einsum(string equation, IntPtr[] tensors, int n);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_outer(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_dot(TensorHandle a, TensorHandle b);
}
