using System.Runtime.InteropServices;

namespace TorchBinding.Interop;

/// <summary>Owns one native <c>at::Tensor*</c>; releasing it drops libtorch's reference.</summary>
internal sealed class TensorHandle : SafeHandle
{
    private static long live;

    /// <summary>Used by the source-generated marshaller for returned handles.</summary>
    public TensorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    internal TensorHandle(IntPtr pointer) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(pointer);

    /// <summary>Native tensor handles created and not yet released, process-wide.</summary>
    internal static long Live => Interlocked.Read(ref live);

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Called once a handle is known to be valid and wrapped by a Tensor.</summary>
    internal static void Track() => Interlocked.Increment(ref live);

    protected override bool ReleaseHandle()
    {
        NativeMethods.TS_Tensor_dispose(handle);
        Interlocked.Decrement(ref live);
        return true;
    }
}

/// <summary>A scalar as the shim takes it (kind 0 floating, 1 integer, 2 bool).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct NativeScalar
{
    public readonly double D;
    public readonly long I;
    public readonly int Kind;

    public NativeScalar(double d, long i, int kind) { D = d; I = i; Kind = kind; }
}
