using TorchBinding.Extensions;
using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>
/// Attention's per-head products in the projections' layout (backends.FusedKernels.Attention) against libtorch's composed
/// view, transpose and matmul: scores, context and every gradient to float rounding, on strided splits of a fused QKV
/// projection and on other shapes; a recorded backward; shapes refused by name.
/// </summary>
public class AttentionKernelsTests
{
    private sealed record Outcome(Tensor Scores, Tensor Context, Tensor[] Grads, string? ScoresFn, string? ContextFn);

    // scores → mask → softmax → context, and a loss that weighs both outputs, so every gradient path counts.
    private static Outcome Run(Tensor[] inputs, Func<Tensor[], (Tensor Q, Tensor K, Tensor V)> project, int heads, bool fused)
    {
        PoisonFreedMemory();
        using var _ = backends.use_fused(fused ? backends.FusedKernels.All : backends.FusedKernels.None);
        var leaves = inputs.Select(t => t.detach().clone().requires_grad_(true)).ToArray();
        var (q, k, v) = project(leaves);
        var scores = AttentionKernels.HeadScores(q, k, heads, 1 / Math.Sqrt(q.size(2) / heads));
        var probs = nn.functional.softmax(scores, -1);
        var context = AttentionKernels.HeadContext(probs, v, heads);
        manual_seed(3);
        var loss = (context * randn(context.shape, dtype: context.dtype)).sum() + (scores * randn(scores.shape, dtype: scores.dtype)).sum() * 0.1;
        loss.backward();
        return new(scores.detach(), context.detach(), leaves.Select(l => l.grad!).ToArray(), scores.grad_fn, context.grad_fn);
    }

    // Allocates and frees NaN-filled blocks of the sizes the kernels allocate, so that an output read before it is written
    // (the allocator hands these blocks out again) shows as NaN instead of passing on whatever memory held.
    private static void PoisonFreedMemory()
    {
        using var scope = NewDisposeScope();
        foreach (long n in new long[] { 64, 256, 1024, 4096, 16384 }) full([n], float.NaN);
    }

    private static void AssertClose(Tensor fused, Tensor plain, string what)
    {
        Assert.Equal(plain.shape, fused.shape);
        Assert.True(fused.allclose(plain, 1e-5, 1e-5), $"{what}: largest difference {(fused - plain).abs().max().item<double>()}");
    }

    private static void AssertSame(Outcome fused, Outcome plain)
    {
        AssertClose(fused.Scores, plain.Scores, "scores");
        AssertClose(fused.Context, plain.Context, "context");
        for (int i = 0; i < plain.Grads.Length; i++) AssertClose(fused.Grads[i], plain.Grads[i], $"gradient of input {i}");
    }

    [Fact]
    public void Splits_of_a_fused_projection_give_libtorchs_scores_context_and_gradients_without_the_composed_path()
    {
        using var scope = NewDisposeScope();
        manual_seed(31);
        const int heads = 4, h = 24;
        var qkv = randn(3, 7, 3 * h);
        (Tensor, Tensor, Tensor) Split(Tensor[] t) { var p = t[0].split(h, -1); return (p[0], p[1], p[2]); }   // rows 3H apart
        var fused = Run([qkv], Split, heads, fused: true);
        var plain = Run([qkv], Split, heads, fused: false);
        Assert.Contains("HeadScores", fused.ScoresFn, StringComparison.Ordinal);
        Assert.Contains("HeadContext", fused.ContextFn, StringComparison.Ordinal);
        Assert.DoesNotContain("Head", plain.ContextFn, StringComparison.Ordinal);
        Assert.Equal(new long[] { 3, heads, 7, 7 }, fused.Scores.shape);
        Assert.Equal(new long[] { 3, 7, h }, fused.Context.shape);
        AssertSame(fused, plain);
    }

    [Fact]
    public void Separate_contiguous_inputs_with_another_key_length_and_a_transposed_query_match_too()
    {
        using var scope = NewDisposeScope();
        manual_seed(32);
        const int heads = 3, h = 12;
        // The query arrives as the transpose of a (B, H, L) tensor: its features are not unit-stride and it is copied once.
        Tensor[] inputs = [randn(2, h, 5), randn(2, 9, h), randn(2, 9, h)];
        (Tensor, Tensor, Tensor) Project(Tensor[] t) => (t[0].transpose(1, 2), t[1], t[2]);
        var fused = Run(inputs, Project, heads, fused: true);
        var plain = Run(inputs, Project, heads, fused: false);
        Assert.Equal(new long[] { 2, heads, 5, 9 }, fused.Scores.shape);
        Assert.Contains("HeadScores", fused.ScoresFn, StringComparison.Ordinal);
        AssertSame(fused, plain);
    }

    [Fact]
    public void Double_precision_takes_the_composed_path_with_the_same_results()
    {
        using var scope = NewDisposeScope();
        manual_seed(33);
        var qkv = randn([2, 4, 3 * 8], ScalarType.Float64);
        (Tensor, Tensor, Tensor) Split(Tensor[] t) { var p = t[0].split(8, -1); return (p[0], p[1], p[2]); }
        var fused = Run([qkv], Split, 2, fused: true);
        Assert.DoesNotContain("Head", fused.ContextFn, StringComparison.Ordinal);
        AssertSame(fused, Run([qkv], Split, 2, fused: false));
    }

    [Fact]
    public void A_recorded_backward_gives_libtorchs_second_derivative()
    {
        using var scope = NewDisposeScope();
        manual_seed(34);
        var qkv = randn(2, 5, 3 * 8);
        Tensor SecondOrder(bool fused)
        {
            using var _ = backends.use_fused(fused ? backends.FusedKernels.All : backends.FusedKernels.None);
            var x = qkv.detach().clone().requires_grad_(true);
            var p = x.split(8, -1);
            var context = AttentionKernels.HeadContext(nn.functional.softmax(AttentionKernels.HeadScores(p[0], p[1], 2, 0.5), -1), p[2], 2);
            context.pow(2).sum().backward(create_graph: true);
            var grad = x.grad!;
            Assert.NotNull(grad.grad_fn);   // the gradient was itself recorded
            x.grad = null;
            grad.pow(2).sum().backward();
            return x.grad!;
        }
        AssertClose(SecondOrder(fused: true), SecondOrder(fused: false), "second derivative");
    }

    [Fact]
    public void Shapes_that_do_not_split_into_heads_are_refused_by_name()
    {
        using var scope = NewDisposeScope();
        var q = randn(2, 4, 10);
        var error = Assert.ThrowsAny<Exception>(() => AttentionKernels.HeadScores(q, q, 3, 1.0));
        Assert.Contains("divisible by heads=3", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 4, 10]", error.Message, StringComparison.Ordinal);
        var mismatch = Assert.ThrowsAny<Exception>(() => AttentionKernels.HeadContext(randn(2, 2, 4, 5), randn(2, 4, 10), 2));
        Assert.Contains("(B, heads, L, Lk)", mismatch.Message, StringComparison.Ordinal);
    }
}
