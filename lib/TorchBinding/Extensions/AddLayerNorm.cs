using TorchBinding.Modules;
using static TorchBinding.Interop.NativeMethods;
using static TorchBinding.torch;

namespace TorchBinding.Extensions;

/// <summary>
/// LayerNorm(a + b), a transformer's residual connection and its normalisation, as one operation. On CPU float32 with
/// <see cref="backends.FusedKernels.LayerNorm"/> on and a layer norm over the last dimension with weight and bias, each
/// row is summed, normalised and scaled in one pass (and its gradient in one pass back) on both cores, where libtorch's
/// add and layer_norm are two passes each way on its one thread; otherwise it is <c>norm(a + b)</c>, with the same
/// results. The fused operation has no recorded backward: for higher derivatives turn the kernel off.
/// </summary>
public static class AddLayerNorm
{
    /// <summary><paramref name="norm"/> applied to <paramref name="a"/> + <paramref name="b"/>.</summary>
    /// <param name="a">(*, H), e.g. the residual stream.</param>
    /// <param name="b">The same shape, e.g. a sublayer's output.</param>
    /// <param name="norm">A layer norm over the last dimension (H).</param>
    public static Tensor Apply(Tensor a, Tensor b, LayerNorm norm)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(norm);
        if (!backends.fused.LayerNorm || norm.NormalizedShape.Count != 1) return norm.call(a + b);
        Tensor? weight = norm.weight, bias = norm.bias;
        var result = new Tensor(TS_NN_add_layer_norm(a.Handle, b.Handle, weight?.Pointer ?? IntPtr.Zero, bias?.Pointer ?? IntPtr.Zero, norm.Eps));
        GC.KeepAlive(weight);
        GC.KeepAlive(bias);
        return result;
    }
}
