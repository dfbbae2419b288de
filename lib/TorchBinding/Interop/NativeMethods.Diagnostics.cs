using System.Runtime.InteropServices;

namespace TorchBinding.Interop;

// The per-op overhead probes of native/ts_overhead.cpp (Diagnostics.OpOverhead) and libtorch's operator profiler (native/ts_profiler.cpp).
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial void TS_overhead_noop();
    [LibraryImport(Lib)] internal static partial void TS_overhead_touch(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial void TS_overhead_touch_raw(IntPtr a, IntPtr b);
    [LibraryImport(Lib)] internal static partial double TS_overhead_native_handle(TensorHandle a, long iterations);
    [LibraryImport(Lib)] internal static partial double TS_overhead_aten_add(TensorHandle a, TensorHandle b, long iterations);
    [LibraryImport(Lib)] internal static partial double TS_overhead_small_add(TensorHandle a, TensorHandle b, long iterations);
    [LibraryImport(Lib)] internal static partial double TS_overhead_aten_add_out(TensorHandle output, TensorHandle a, TensorHandle b, long iterations);

    [LibraryImport(Lib)] internal static partial int TS_profiler_start(int recordShapes);
    [LibraryImport(Lib)] internal static partial IntPtr TS_profiler_stop();
    [LibraryImport(Lib)] internal static partial int TS_profiler_enabled();
}
