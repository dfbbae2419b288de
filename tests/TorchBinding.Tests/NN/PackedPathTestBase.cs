using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>
/// Base of the test classes that force the packed-GEMM path, which is process-wide: xUnit disposes each test's instance,
/// and disposing puts the path back to its default (and whatever else a class switched, through
/// <see cref="RestoreSwitches"/>), so no test leaves its choice to the next. Such classes also share the
/// <c>PackedGemmPathTests</c> collection, so none runs while another has the path forced.
/// </summary>
public abstract class PackedPathTestBase : IDisposable
{
    public void Dispose()
    {
        RestoreSwitches();
        backends.packed_gemm = backends.PackedGemmPath.Auto;
        GC.SuppressFinalize(this);
    }

    /// <summary>Other process-wide switches the class's tests change, put back to their defaults.</summary>
    protected virtual void RestoreSwitches() { }
}
