using ClinicalNer.Models.Crf;
using TorchBinding;
using TorchBinding.Extensions;
using static TorchBinding.torch;

namespace ClinicalNer.Tests;

/// <summary>
/// The CRF's native log partition (CPU float32, its own forward-backward gradient) against the tensor loop it replaces
/// (values and every gradient, left-aligned masks and masks with holes) and against brute-force enumeration.
/// </summary>
public class CrfNativePartitionTests
{
    private const int Tags = 7;

    private static (Tensor LogZ, Tensor[] Gradients) Run(ConditionalRandomField crf, Tensor logits, Tensor mask, Tensor weights, bool native)
    {
        crf.NativeLogPartition = native;
        crf.zero_grad();
        var input = logits.detach().clone().requires_grad_(true);
        var logZ = crf.LogPartition(input, mask);
        (logZ * weights).sum().backward();   // unequal upstream gradients per sequence
        return (logZ.detach(), [input.grad!, crf.Transitions.grad!.clone(), crf.StartTransitions.grad!.clone(), crf.EndTransitions.grad!.clone()]);
    }

    public static TheoryData<string> Masks => new("left-aligned", "with holes", "all full");

    [Theory]
    [MemberData(nameof(Masks))]
    public void Log_z_and_every_gradient_equal_the_tensor_loops(string kind)
    {
        using var scope = NewDisposeScope();
        manual_seed(31);
        using var crf = new ConditionalRandomField(Tags);
        long[] lengths = [9, 7, 4, 2, 1];
        var logits = randn(5, 9, Tags) * 3;
        var mask = kind switch
        {
            "left-aligned" => arange(9).unsqueeze(0).lt(tensor(lengths).unsqueeze(1)),
            "with holes" => rand(5, 9).gt(0.3),
            _ => ones([5, 9], ScalarType.Bool),
        };
        var weights = tensor(new[] { 1f, -0.5f, 2f, 0.25f, 3f });
        var native = Run(crf, logits, mask, weights, native: true);
        var loop = Run(crf, logits, mask, weights, native: false);
        Assert.True(native.LogZ.allclose(loop.LogZ, 1e-5, 1e-4), $"log Z: {native.LogZ} vs {loop.LogZ}");
        string[] names = ["emissions", "transitions", "start", "end"];
        for (int i = 0; i < names.Length; i++)
            Assert.True(native.Gradients[i].allclose(loop.Gradients[i], 1e-4, 1e-5),
                $"{names[i]} gradient: largest difference {(native.Gradients[i] - loop.Gradients[i]).abs().max().item<float>()}");
    }

    [Fact]
    public void Large_scores_stay_finite_and_agree_with_the_loop()
    {
        using var scope = NewDisposeScope();
        manual_seed(33);
        using var crf = new ConditionalRandomField(Tags);
        using (no_grad()) crf.Transitions.mul_(15);                        // a sharply peaked CRF: transitions ~ ±45
        var logits = randn(4, 30, Tags) * 20;
        var mask = arange(30).unsqueeze(0).lt(tensor(new long[] { 30, 17, 5, 1 }).unsqueeze(1));
        var weights = ones(4);
        var native = Run(crf, logits, mask, weights, native: true);
        var loop = Run(crf, logits, mask, weights, native: false);
        Assert.True(native.LogZ.data<float>().All(float.IsFinite), native.LogZ.ToString());
        Assert.True(native.LogZ.allclose(loop.LogZ, 1e-5, 1e-3), $"log Z: {native.LogZ} vs {loop.LogZ}");
        for (int i = 0; i < 4; i++)
            Assert.True(native.Gradients[i].allclose(loop.Gradients[i], 1e-3, 1e-4), $"gradient {i}: largest difference {(native.Gradients[i] - loop.Gradients[i]).abs().max().item<float>()}");
    }

    [Fact]
    public void Log_z_equals_brute_force_enumeration_and_marginals_sum_to_one()
    {
        using var scope = NewDisposeScope();
        manual_seed(32);
        const int n = 3, length = 5;
        using var crf = new ConditionalRandomField(n);
        var logits = randn(2, length, n);
        var mask = tensor(new[] { true, true, true, true, true, true, true, true, false, false }, [2, length]);
        float[] e = logits.data<float>(), tr = crf.Transitions.data<float>(), st = crf.StartTransitions.data<float>(), en = crf.EndTransitions.data<float>();
        float[] native = SequenceKernels.CrfLogPartition(logits, mask, crf.Transitions, crf.StartTransitions, crf.EndTransitions).data<float>();
        foreach (var (b, len) in new[] { (0, 5), (1, 3) })
        {
            double sum = 0;
            for (int k = 0; k < (int)Math.Pow(n, len); k++)
            {
                var y = new int[len];
                for (int t = 0, v = k; t < len; t++, v /= n) y[t] = v % n;
                double s = st[y[0]] + en[y[^1]];
                for (int t = 0; t < len; t++) s += e[(b * length + t) * n + y[t]];
                for (int t = 1; t < len; t++) s += tr[y[t - 1] * n + y[t]];
                sum += Math.Exp(s);
            }
            Assert.Equal(Math.Log(sum), native[b], 4);
        }
        var marginals = crf.Marginals(logits, mask);                       // the native backward
        var perPosition = marginals.sum(2);                                  // 1 at counted positions, 0 elsewhere
        Assert.True(perPosition.allclose(mask.to_type(ScalarType.Float32), 1e-5, 1e-5), perPosition.ToString());
    }

    [Fact]
    public void Bad_shapes_name_what_is_wrong_and_a_second_derivative_is_refused()
    {
        using var scope = NewDisposeScope();
        using var crf = new ConditionalRandomField(Tags);
        var logits = randn(2, 4, Tags);
        var ex = Assert.Throws<TorchException>(() => SequenceKernels.CrfLogPartition(logits, ones([2, 5], ScalarType.Bool), crf.Transitions, crf.StartTransitions, crf.EndTransitions));
        Assert.Contains("mask must be [2, 4]", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<TorchException>(() => SequenceKernels.CrfLogPartition(logits.to(ScalarType.Float64), ones([2, 4], ScalarType.Bool), crf.Transitions, crf.StartTransitions, crf.EndTransitions));
        Assert.Contains("float32", ex.Message, StringComparison.Ordinal);

        var input = logits.clone().requires_grad_(true);
        var logZ = crf.LogPartition(input, ones([2, 4], ScalarType.Bool));
        ex = Assert.Throws<TorchException>(() => logZ.sum().backward(create_graph: true));
        Assert.Contains("NativeLogPartition = false", ex.Message, StringComparison.Ordinal);
    }
}
