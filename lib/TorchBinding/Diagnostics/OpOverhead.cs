using System.Diagnostics;
using static TorchBinding.Interop.NativeMethods;
using static TorchBinding.torch;

namespace TorchBinding.Diagnostics;

/// <summary>
/// Where the time of a tiny op goes (a 4 x 4 float add): each piece of the path C# -> P/Invoke -> shim -> ATen timed on
/// its own, natively where it can be, for ATen's path and for the binding's short path for small float ops
/// (<see cref="backends.small_pointwise"/>), so the pieces can be compared with each other and with the whole.
/// </summary>
/// <param name="TransitionNs">One P/Invoke call into an empty export.</param>
/// <param name="HandleArgumentsNs">Marshalling two tensor handles as arguments (SafeHandle add-ref and release), beyond the transition.</param>
/// <param name="NativeHandleNs">The heap <c>at::Tensor</c> every returned tensor lives in: new, refcount, delete.</param>
/// <param name="ManagedResultNs">The managed side of a returned tensor: its SafeHandle and Tensor objects, the live count, the dispose scope, Dispose.</param>
/// <param name="AtenDispatchNs"><c>at::add_out</c> into a kept result: dispatcher, autograd check, TensorIterator and the 16-element kernel.</param>
/// <param name="AtenAllocationNs">What <c>at::add</c> costs beyond <c>at::add_out</c>: allocating (and freeing) the result through the dispatcher.</param>
/// <param name="AtenTotalNs"><c>(a + b).Dispose()</c> from C# with the short path off: the whole of ATen's path.</param>
/// <param name="ShortPathNs">The short path natively: its checks, the allocation (and freeing) of the result, the loop.</param>
/// <param name="TotalNs"><c>(a + b).Dispose()</c> from C# as a user gets it (the short path on).</param>
public sealed record OpOverhead(
    double TransitionNs, double HandleArgumentsNs, double NativeHandleNs, double ManagedResultNs,
    double AtenDispatchNs, double AtenAllocationNs, double AtenTotalNs, double ShortPathNs, double TotalNs)
{
    /// <summary>The pieces of the path a user gets, largest first, then what the whole has beyond them and the whole.</summary>
    public IReadOnlyList<(string Piece, double Ns)> Pieces() => Ordered(("short path: checks, allocation, loop", ShortPathNs), TotalNs);

    /// <summary>The pieces of ATen's path (the short path off), largest first, then the rest and the whole.</summary>
    public IReadOnlyList<(string Piece, double Ns)> AtenPieces() =>
        Ordered(("aten dispatch + kernel", AtenDispatchNs), AtenTotalNs, ("aten result allocation", AtenAllocationNs));

    private IReadOnlyList<(string, double)> Ordered((string, double) native, double total, params (string, double)[] more)
    {
        var pieces = new[]
        {
            ("transitions (2)", 2 * TransitionNs), ("handle arguments", HandleArgumentsNs), ("native handle", NativeHandleNs),
            ("managed result", ManagedResultNs), native,
        }.Concat(more).OrderByDescending(p => p.Item2).ToList();
        return [.. pieces, ("other", total - pieces.Sum(p => p.Item2)), ("total", total)];
    }

    /// <summary>
    /// Times every piece: the best of <paramref name="rounds"/> rounds of <paramref name="iterations"/> calls each. It turns
    /// <see cref="backends.small_pointwise"/> off and on process-wide while it measures (restored after): run it alone.
    /// </summary>
    public static OpOverhead Measure(long iterations = 200_000, int rounds = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        bool shortPath = backends.small_pointwise;
        try
        {
            using var scope = NewDisposeScope();
            var a = randn(4, 4);
            var b = randn(4, 4);
            var output = randn(4, 4);
            var (ha, hb, ho) = (a.Handle, b.Handle, output.Handle);
            var (pa, pb) = (a.Pointer, b.Pointer);

            double transition = Best(rounds, () => Managed(iterations, () => TS_overhead_noop()));
            double raw = Best(rounds, () => Managed(iterations, () => TS_overhead_touch_raw(pa, pb)));
            double handles = Best(rounds, () => Managed(iterations, () => TS_overhead_touch(ha, hb))) - raw;
            double nativeHandle = Best(rounds, () => TS_overhead_native_handle(ha, iterations));
            double alias = Best(rounds, () => Managed(iterations, () => a.alias().Dispose()));
            double dispatch = Best(rounds, () => TS_overhead_aten_add_out(ho, ha, hb, iterations));
            double atenAdd = Best(rounds, () => TS_overhead_aten_add(ha, hb, iterations));
            backends.small_pointwise = false;
            double atenTotal = Best(rounds, () => Managed(iterations, () => (a + b).Dispose()));
            backends.small_pointwise = true;
            double shortNative = Best(rounds, () => TS_overhead_small_add(ha, hb, iterations));
            double total = Best(rounds, () => Managed(iterations, () => (a + b).Dispose()));
            GC.KeepAlive(a);
            GC.KeepAlive(b);
            // alias() is a transition with one handle argument, a native handle and a managed result; its dispose a transition.
            double managed = alias - 2 * transition - handles / 2 - nativeHandle;
            return new OpOverhead(transition, handles, nativeHandle, managed, dispatch, atenAdd - dispatch, atenTotal, shortNative, total);
        }
        finally
        {
            backends.small_pointwise = shortPath;
        }
    }

    private static double Managed(long iterations, Action body)
    {
        var clock = Stopwatch.StartNew();
        for (long k = 0; k < iterations; k++) body();
        return clock.Elapsed.TotalNanoseconds / iterations;
    }

    // A native probe returns a negative time when it failed (the shim's error is then pending).
    private static double Best(int rounds, Func<double> round)
    {
        if (round() < 0) Interop.NativeError.Throw();   // warm-up: JIT, caches, the allocator's free lists
        double best = double.MaxValue;
        for (int r = 0; r < rounds; r++) best = Math.Min(best, round());
        return best;
    }
}
