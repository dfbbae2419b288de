using static TorchBinding.Interop.NativeMethods;
using static TorchBinding.torch;

namespace TorchBinding.Extensions;

/// <summary>
/// Multi-head attention's two products on projections as a fused QKV linear leaves them: (B, L, H) tensors whose heads
/// are column blocks of dh = H / heads, rows possibly further apart than H (a split of the (B, L, 3H) output). On CPU
/// float32 with <see cref="backends.FusedKernels.Attention"/> on, each product is one strided batched GEMM per sequence,
/// reading and writing that layout directly (gradients too); elsewhere they are the composed view, transpose and matmul,
/// with the same results. PyTorch writes the same computation as
/// <c>(q.view(B, L, heads, dh).transpose(1, 2) * scale) @ k.view(...).transpose(1, 2).transpose(-1, -2)</c>.
/// </summary>
public static class AttentionKernels
{
    /// <summary>scale · Q Kᵀ per head.</summary>
    /// <param name="query">(B, L, H).</param>
    /// <param name="key">(B, Lk, H).</param>
    /// <param name="heads">Heads (H divisible by it).</param>
    /// <param name="scale">Factor of the scores (1/√dh in BERT).</param>
    /// <returns>(B, heads, L, Lk) scores.</returns>
    public static Tensor HeadScores(Tensor query, Tensor key, int heads, double scale)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        return new Tensor(TS_NN_head_scores(query.Handle, key.Handle, heads, scale, backends.fused.Attention ? 1 : 0));
    }

    /// <summary>P V per head, the heads joined again as column blocks.</summary>
    /// <param name="probabilities">(B, heads, L, Lk) attention weights.</param>
    /// <param name="value">(B, Lk, H).</param>
    /// <param name="heads">Heads (H divisible by it).</param>
    /// <returns>(B, L, H) context.</returns>
    public static Tensor HeadContext(Tensor probabilities, Tensor value, int heads)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(value);
        return new Tensor(TS_NN_head_context(probabilities.Handle, value.Handle, heads, backends.fused.Attention ? 1 : 0));
    }
}
