using static TorchBinding.torch;
using F = TorchBinding.torch.nn.functional;

namespace TorchBinding.Tests;

public class AutogradTests
{
    /// <summary>A composite of the ops the models use, in float64.</summary>
    private static Tensor Objective(Tensor x, Tensor w, Tensor target)
    {
        var h = x.matmul(w).tanh();                                   // (4, 3)
        var logp = F.log_softmax(h * 2 + h.sigmoid(), -1);
        var gathered = logp.gather(1, target.unsqueeze(1)).squeeze(1);
        return -gathered.mean() + F.layer_norm(h, [3]).pow(2).sum() * 0.1 + h.logsumexp(0).sum();
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var x = randn([4, 5], ScalarType.Float64);
        var w = randn([5, 3], ScalarType.Float64).requires_grad_();
        var target = tensor(new long[] { 0, 2, 1, 2 });
        Objective(x, w, target).backward();
        double[] analytic = w.grad!.data<double>();

        double[] numeric = new double[analytic.Length];
        const double h = 1e-6;
        using (no_grad())
        {
            var flat = w.view(-1);
            for (int k = 0; k < numeric.Length; k++)
            {
                double orig = flat[k].item<double>();
                flat[k] = tensor(orig + h, ScalarType.Float64);
                double plus = Objective(x, w, target).item<double>();
                flat[k] = tensor(orig - h, ScalarType.Float64);
                double minus = Objective(x, w, target).item<double>();
                flat[k] = tensor(orig, ScalarType.Float64);
                numeric[k] = (plus - minus) / (2 * h);
            }
        }
        for (int k = 0; k < numeric.Length; k++) Assert.Equal(numeric[k], analytic[k], 6);
    }

    [Fact]
    public void Backward_twice_needs_retain_graph()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 2 }, requires_grad: true);
        var y = (x * x).sum();
        y.backward(retain_graph: true);
        y.backward();
        Assert.Equal(new double[] { 4, 8 }, x.grad!.data<double>()); // accumulated twice: 2 · 2x
        var z = (x.exp()).sum();
        z.backward();
        var again = Assert.Throws<TorchException>(() => z.backward());
        Assert.Contains("second time", again.Message);
    }

    [Fact]
    public void No_grad_detach_and_requires_grad()
    {
        using var scope = NewDisposeScope();
        var x = randn([3], requires_grad: true);
        Assert.True(x.is_leaf);
        var y = x * 2;
        Assert.True(y.requires_grad);
        Assert.StartsWith("MulBackward", y.grad_fn);
        using (no_grad())
        {
            Assert.False(is_grad_enabled());
            Assert.False((x * 2).requires_grad);
        }
        Assert.True(is_grad_enabled());
        Assert.False(y.detach().requires_grad);
        Assert.Null(randn(2).grad);
    }

    [Fact]
    public void Clip_grad_norm_scales_to_the_bound_and_returns_the_old_norm()
    {
        using var scope = NewDisposeScope();
        var a = new nn.Parameter(zeros(2));
        var b = new nn.Parameter(zeros(1));
        a.grad = tensor(new float[] { 3, 0 });
        b.grad = tensor(new float[] { 4 });
        double norm = nn.utils.clip_grad_norm_([a, b], 1.0);
        Assert.Equal(5.0, norm, 5);
        Assert.Equal(0.6f, a.grad!.data<float>()[0], 4);
        Assert.Equal(0.8f, b.grad!.data<float>()[0], 4);
        Assert.Equal(1.0, nn.utils.clip_grad_norm_([a, b], 10.0), 4); // under the bound: unchanged
        Assert.Equal(0.6f, a.grad!.data<float>()[0], 4);
    }
}
