using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace TorchBinding.Interop;

/// <summary>Turns the shim's error protocol (null handle or status -1, then TS_last_error) into exceptions.</summary>
internal static class NativeError
{
    internal static TensorHandle Check(TensorHandle handle)
    {
        if (handle.IsInvalid) Throw();
        return handle;
    }

    internal static void Check(int status)
    {
        if (status != 0) Throw();
    }

    [DoesNotReturn]
    internal static void Throw()
    {
        IntPtr message = NativeMethods.TS_last_error();
        string text = message == IntPtr.Zero
            ? "libtorch failed without a message"
            : Marshal.PtrToStringUTF8(message) ?? string.Empty;
        NativeMethods.TS_free_error(message);
        throw new TorchException(text.Trim());
    }
}
