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

    /// <summary>
    /// Self-attention on a fused QKV projection: softmax(scale · Q Kᵀ + mask) V per head, with dropout on the
    /// probabilities, heads joined as column blocks. On CPU float32 with <see cref="backends.FusedKernels.Attention"/> on,
    /// a head size that is a multiple of 32 and an untrained mask, it is one operation per sequence and head (scores to
    /// context in cache, the binding's packed products, dQ, dK and dV written into one gradient); otherwise the same steps
    /// composed (<see cref="HeadScores"/>, mask, softmax, dropout, <see cref="HeadContext"/>). Both draw the same dropout
    /// mask for the same generator state, so the results agree to float rounding. The fused operation has no recorded
    /// backward: for higher derivatives turn <see cref="backends.FusedKernels.Attention"/> off.
    /// </summary>
    /// <param name="qkv">(B, L, 3H): query, key and value side by side, as one linear layer makes them.</param>
    /// <param name="mask">Additive mask broadcastable to (B, heads, L, L), or null.</param>
    /// <param name="heads">Heads (H divisible by it).</param>
    /// <param name="scale">Factor of the scores (1/√dh in BERT).</param>
    /// <param name="dropout">Probability of dropping an attention weight (used only when <paramref name="training"/>).</param>
    /// <param name="training">Whether dropout applies.</param>
    /// <returns>(B, L, H) context.</returns>
    public static Tensor SelfAttention(Tensor qkv, Tensor? mask, int heads, double scale, double dropout, bool training)
    {
        ArgumentNullException.ThrowIfNull(qkv);
        if (qkv.ndim != 3 || qkv.size(2) % 3 != 0)
            throw new ArgumentException($"qkv must be (B, L, 3H), got [{string.Join(", ", qkv.shape)}]", nameof(qkv));
        if (dropout < 0 || dropout >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), $"dropout must be in [0, 1), got {dropout}");
        double p = training ? dropout : 0;
        if (backends.fused.Attention && backends.fused.Dropout && mask is not { requires_grad: true }
            && TS_NN_self_attention_applies(qkv.Handle, heads) == 1)
        {
            var context = new Tensor(TS_NN_self_attention(qkv.Handle, mask?.Pointer ?? IntPtr.Zero, heads, scale, p));
            GC.KeepAlive(mask);
            return context;
        }
        // Split along the features, not by selecting from a (3, ...) view: the backward of a split is one concatenation,
        // where three selects each fill a zero tensor of qkv's size and two more adds sum them.
        long h = qkv.size(2) / 3;
        Tensor[] parts = qkv.split(h, -1);
        Tensor scores = HeadScores(parts[0], parts[1], heads, scale);
        if (mask is not null) scores = scores + mask;
        Tensor probs = nn.functional.dropout(nn.functional.softmax(scores, -1), p, p > 0);
        return HeadContext(probs, parts[2], heads);
    }
}
