using System.Runtime.InteropServices;

namespace TorchBinding.Interop;

internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_sum(TensorHandle t, ReadOnlySpan<long> dims, int ndims, int keepdim, int dtype);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_mean(TensorHandle t, ReadOnlySpan<long> dims, int ndims, int keepdim, int dtype);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_prod(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_max_all(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_min_all(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_max_dim(TensorHandle t, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_min_dim(TensorHandle t, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_argmax(TensorHandle t, long dim, int hasDim, int keepdim);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_argmin(TensorHandle t, long dim, int hasDim, int keepdim);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_logsumexp(TensorHandle t, ReadOnlySpan<long> dims, int ndims, int keepdim);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_norm(TensorHandle t, double p, ReadOnlySpan<long> dims, int ndims, int keepdim);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_var(TensorHandle t, ReadOnlySpan<long> dims, int ndims, int unbiased, int keepdim);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_std(TensorHandle t, ReadOnlySpan<long> dims, int ndims, int unbiased, int keepdim);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_all(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_any(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_cumsum(TensorHandle t, long dim);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_topk(TensorHandle t, long k, long dim, int largest, int sorted, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_sort(TensorHandle t, long dim, int descending, out IntPtr values, out IntPtr indices);
}
