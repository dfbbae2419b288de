using TorchBinding.Extensions;
using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>
/// The fused self-attention (AttentionKernels.SelfAttention on CPU float32 with a head size that is a multiple of 32)
/// against libtorch's composed operators (view, transpose and matmul products, the mask added, softmax, the fast
/// dropout): context and the projection's gradient to float rounding, with dropout on (the same mask for the same
/// generator state), with padding and visibility masks, key lengths that fill no whole 32-column panel, and on every
/// packed path this CPU has; what it does not take goes the composed way; what it cannot do is refused by name.
/// </summary>
[Collection(nameof(PackedGemmPathTests))]   // the packed path is process-wide
public class SelfAttentionTests : PackedPathTestBase
{
    private static readonly backends.FusedKernels Composed = backends.FusedKernels.All with { Attention = false };

    private sealed record Outcome(Tensor Context, Tensor Grad, string? Fn);

    // The context under a loss that weighs every element differently, and the projection's gradient.
    private static Outcome Run(Tensor qkv, Tensor? mask, int heads, double dropout, bool fused)
    {
        using var _ = backends.use_fused(fused ? backends.FusedKernels.All : Composed);
        var x = qkv.detach().clone().requires_grad_(true);
        manual_seed(11);   // the same dropout key on both paths
        var context = AttentionKernels.SelfAttention(x, mask, heads, 1 / Math.Sqrt(qkv.size(2) / 3.0 / heads), dropout, training: dropout > 0);
        manual_seed(12);
        (context * randn(context.shape)).sum().backward();
        return new(context.detach(), x.grad!, context.grad_fn);
    }

    private static void AssertClose(Tensor fused, Tensor plain, string what)
    {
        Assert.Equal(plain.shape, fused.shape);
        Assert.True(fused.allclose(plain, 1e-5, 1e-5), $"{what}: largest difference {(fused - plain).abs().max().item<double>()}");
    }

    private static void AssertSame(Tensor qkv, Tensor? mask, int heads, double dropout)
    {
        var fused = Run(qkv, mask, heads, dropout, fused: true);
        var plain = Run(qkv, mask, heads, dropout, fused: false);
        Assert.Contains("FusedSelfAttention", fused.Fn, StringComparison.Ordinal);
        Assert.DoesNotContain("FusedSelfAttention", plain.Fn, StringComparison.Ordinal);
        AssertClose(fused.Context, plain.Context, "context");
        AssertClose(fused.Grad, plain.Grad, "gradient of qkv");
    }

    // (B, 1, 1, L): 0 where a key is a token, -10000 on the padding at the end of each row.
    private static Tensor PaddingMask(long batch, long length, params long[] lengths)
    {
        var mask = zeros(batch, 1, 1, length);
        for (int b = 0; b < batch; b++) mask.index_put_(-10000f, b, 0, 0, TensorIndex.Slice(lengths[b]));
        return mask;
    }

    [Fact]
    public void Padding_mask_and_dropout_give_the_composed_operators_results_on_every_packed_path()
    {
        using var scope = NewDisposeScope();
        manual_seed(41);
        const int heads = 2, dh = 64, length = 37;   // 37 keys: one whole panel and a padded one
        var qkv = randn(3, length, 3 * heads * dh);
        var mask = PaddingMask(3, length, 37, 20, 5);
        foreach (var path in backends.packed_gemm_paths().Where(p => p != backends.PackedGemmPath.Off))
        {
            backends.packed_gemm = path;
            AssertSame(qkv, mask, heads, dropout: 0.1);
            AssertSame(qkv, null, heads, dropout: 0);
        }
    }

    [Fact]
    public void A_visibility_matrix_per_example_and_query_is_applied_row_by_row()
    {
        using var scope = NewDisposeScope();
        manual_seed(42);
        const int heads = 4, dh = 32, length = 64;
        var qkv = randn(2, length, 3 * heads * dh);
        var visible = rand(2, 1, length, length).lt(0.7);
        var mask = zeros(2, 1, length, length).masked_fill(visible.logical_not(), -10000f);
        AssertSame(qkv, mask, heads, dropout: 0.2);
    }

    [Fact]
    public void Dropout_drops_what_the_separate_dropout_drops_and_scales_the_rest()
    {
        using var scope = NewDisposeScope();
        manual_seed(43);
        // A value of identity rows makes the context the dropped probabilities themselves (one head of 32, 32 keys).
        const int length = 32;
        var qkv = cat([randn(1, length, 32), randn(1, length, 32), eye(length).unsqueeze(0)], -1);
        using (backends.use_fused(backends.FusedKernels.All))
        {
            manual_seed(5);
            var context = AttentionKernels.SelfAttention(qkv, null, 1, 0.5, dropout: 0.25, training: true);
            manual_seed(5);
            var separate = nn.functional.dropout(ones(1, 1, length, length), 0.25, true).view(1, length, length);
            Assert.True(context.eq(0).equal(separate.eq(0)), "the same elements are dropped");
            double dropped = separate.eq(0).to_type(ScalarType.Float64).mean().item<double>();
            Assert.InRange(dropped, 0.17, 0.33);
            var probs = AttentionKernels.SelfAttention(qkv, null, 1, 0.5, dropout: 0.25, training: false);
            var kept = separate.ne(0);
            AssertClose(context.masked_select(kept), (probs / 0.75).masked_select(kept), "kept weights scaled by 1 / (1 - p)");
        }
    }

    [Fact]
    public void What_the_fused_operation_does_not_take_goes_the_composed_way_with_the_same_results()
    {
        using var scope = NewDisposeScope();
        manual_seed(44);
        // A head size of 24 (not a multiple of 32), float64, the packed products switched off, a trained mask.
        var small = randn(2, 9, 3 * 2 * 24);
        Assert.DoesNotContain("FusedSelfAttention", Run(small, null, 2, 0.1, fused: true).Fn, StringComparison.Ordinal);
        var wide = randn([2, 9, 3 * 32], ScalarType.Float64);
        Assert.DoesNotContain("FusedSelfAttention", Run(wide, null, 1, 0, fused: true).Fn, StringComparison.Ordinal);
        var qkv = randn(2, 9, 3 * 32);
        backends.packed_gemm = backends.PackedGemmPath.Off;
        Assert.DoesNotContain("FusedSelfAttention", Run(qkv, null, 1, 0, fused: true).Fn, StringComparison.Ordinal);
        backends.packed_gemm = backends.PackedGemmPath.Auto;
        var trained = zeros(2, 1, 1, 9).requires_grad_(true);
        var context = AttentionKernels.SelfAttention(qkv, trained, 1, 0.5, 0, training: false);
        context.sum().backward();
        Assert.NotNull(trained.grad);
    }

    [Fact]
    public void A_recorded_backward_and_a_mask_of_the_wrong_shape_are_refused_by_name()
    {
        using var scope = NewDisposeScope();
        var qkv = randn(2, 8, 3 * 32).requires_grad_(true);
        var context = AttentionKernels.SelfAttention(qkv, null, 1, 0.5, 0, training: false);
        var recorded = Assert.ThrowsAny<Exception>(() => context.sum().backward(create_graph: true));
        Assert.Contains("create_graph", recorded.Message, StringComparison.Ordinal);
        var shape = Assert.ThrowsAny<Exception>(() => AttentionKernels.SelfAttention(qkv, zeros(2, 1, 1, 9), 1, 0.5, 0, training: false));
        Assert.Contains("broadcast to (2, 1, 8, 8)", shape.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 1, 1, 9]", shape.Message, StringComparison.Ordinal);
        var split = Assert.ThrowsAny<Exception>(() => AttentionKernels.SelfAttention(randn(2, 8, 10), null, 1, 0.5, 0, training: false));
        Assert.Contains("(B, L, 3H)", split.Message, StringComparison.Ordinal);
    }
}
