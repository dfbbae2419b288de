using System.Runtime.InteropServices;

namespace TorchBinding.Interop;

internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial void TS_Tensor_dispose(IntPtr t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_alias(TensorHandle t);
    [LibraryImport(Lib)] internal static partial long TS_Tensor_ndim(TensorHandle t);
    [LibraryImport(Lib)] internal static partial long TS_Tensor_numel(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_dtype(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_device_type(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_device_index(TensorHandle t);
    [LibraryImport(Lib)] internal static partial long TS_Tensor_element_size(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_is_contiguous(TensorHandle t);
    [LibraryImport(Lib)] internal static partial void TS_Tensor_sizes(TensorHandle t, Span<long> sizes);
    [LibraryImport(Lib)] internal static partial void TS_Tensor_strides(TensorHandle t, Span<long> strides);
    [LibraryImport(Lib)] internal static partial IntPtr TS_Tensor_data_ptr(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_item_double(TensorHandle t, out double value);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_item_long(TensorHandle t, out long value);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_clone(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_contiguous(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_detach(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_detach_(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_to(TensorHandle t, int dtype, int deviceType, int deviceIndex, int copy, int nonBlocking);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_pin_memory(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_is_pinned(TensorHandle t, out int pinned);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_set_data(TensorHandle t, TensorHandle data);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_requires_grad(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_set_requires_grad(TensorHandle t, int on);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_is_leaf(TensorHandle t);
    [LibraryImport(Lib)] internal static partial long TS_Tensor_version(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_retain_grad(TensorHandle t);
    [LibraryImport(Lib)] internal static partial IntPtr TS_Tensor_grad_fn_name(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_grad(TensorHandle t, out IntPtr grad);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_clear_grad(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_set_grad(TensorHandle t, IntPtr grad);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_backward(TensorHandle t, IntPtr gradient, int retainGraph, int createGraph);

    // Factories
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_empty(ReadOnlySpan<long> shape, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_zeros(ReadOnlySpan<long> shape, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_ones(ReadOnlySpan<long> shape, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_full(ReadOnlySpan<long> shape, int ndim, NativeScalar value, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_eye(long n, long m, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_arange(NativeScalar start, NativeScalar end, NativeScalar step, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_linspace(double start, double end, long steps, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_rand(ReadOnlySpan<long> shape, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_randn(ReadOnlySpan<long> shape, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_randint(long low, long high, ReadOnlySpan<long> shape, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_randperm(long n, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static unsafe partial TensorHandle TS_Tensor_from_data(void* data, ReadOnlySpan<long> shape, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_uniform_(TensorHandle t, double from, double to);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_normal_(TensorHandle t, double mean, double std);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_bernoulli_(TensorHandle t, double p);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_multinomial(TensorHandle probs, long n, int replacement);
}
