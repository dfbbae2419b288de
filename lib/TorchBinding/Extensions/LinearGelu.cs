using TorchBinding.Modules;
using static TorchBinding.Interop.NativeMethods;
using static TorchBinding.torch;

namespace TorchBinding.Extensions;

/// <summary>
/// GELU(x Wᵀ + b), a transformer's feed-forward expansion, as one operation. On CPU float32 with
/// <see cref="backends.FusedKernels.Gelu"/> on, the product is taken without its bias and the bias is added inside the
/// GELU pass (forward and gradient), which saves libtorch's addmm a full write of its output; elsewhere (another
/// device or dtype, a CPU autocast region, the kernel off) it is <c>F.gelu(F.linear(x, W, b))</c>, with the same results.
/// </summary>
public static class LinearGelu
{
    /// <summary>GELU (exact) of <paramref name="layer"/> applied to <paramref name="input"/>.</summary>
    /// <param name="input">(*, in).</param>
    /// <param name="layer">A linear layer of in → out features.</param>
    /// <returns>(*, out).</returns>
    public static Tensor Apply(Tensor input, Linear layer)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(layer);
        if (!backends.fused.Gelu) return nn.functional.gelu(layer.call(input));
        Tensor? bias = layer.bias;
        var result = new Tensor(TS_NN_linear_gelu(input.Handle, layer.weight.Handle, bias?.Pointer ?? IntPtr.Zero));
        GC.KeepAlive(bias);
        return result;
    }
}
