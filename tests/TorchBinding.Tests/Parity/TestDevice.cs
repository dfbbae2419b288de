using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>
/// Where the parity tests compute: <c>TS_TEST_DEVICE</c> (cpu, cuda, cuda:N; default cpu), so the same tests check the
/// binding on a GPU (gpu/check.sh sets it). The PyTorch oracle always computes on the CPU from host copies.
/// </summary>
internal static class TestDevice
{
    public static Device Current { get; } = Environment.GetEnvironmentVariable("TS_TEST_DEVICE") is { Length: > 0 } spec ? device(spec) : CPU;

    /// <summary>A copy of <paramref name="t"/> on the test device (call requires_grad_ after it for a leaf there).</summary>
    public static Tensor On(this Tensor t) => t.to(Current);

    /// <summary>The module moved to the test device.</summary>
    public static T On<T>(this T module) where T : nn.Module
    {
        module.to(Current);
        return module;
    }
}
