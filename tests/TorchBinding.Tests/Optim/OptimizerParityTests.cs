
using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>Optimizers against PyTorch over the same gradient sequence (Parity/gen/optim.py).</summary>
public class OptimizerParityTests
{
    private const int Steps = 5;

    /// <summary>
    /// Both Adam paths: the shim's one-pass kernel for CPU float32 and the element-wise ops. The 300 x 250
    /// parameters span several of the kernel's parallel chunks (32,768 elements each).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Adam_adamw_with_groups_and_sgd_match_pytorch(bool fusedAdam)
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        var p0 = randn(300, 250);
        var p1 = randn(300, 250);
        var grads = randn(Steps, 2, 300, 250);
        var inputs = new Dictionary<string, Tensor> { ["p0"] = p0, ["p1"] = p1, ["grads"] = grads, ["steps"] = tensor((long)Steps) };

        var o = new Dictionary<string, Tensor>();
        using (backends.use_fused(backends.fused with { Adam = fusedAdam }))
        {
            Train("adam", ps => optim.Adam(ps, lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6, weight_decay: 0.1));
            Train("adamw", ps => optim.AdamW([new optim.ParamGroup([ps[0]]), new optim.ParamGroup([ps[1]], lr: 0.05, weight_decay: 0.0)], lr: 0.01, weight_decay: 0.2));
            Train("sgd", ps => optim.SGD(ps, lr: 0.1, momentum: 0.9, weight_decay: 0.01, nesterov: true));
            Train("sgd_damp", ps => optim.SGD(ps, lr: 0.1, momentum: 0.5, dampening: 0.3));
        }
        PyTorchOracle.AssertAllClose(PyTorchOracle.Run("optim", inputs), o, rtol: 1e-5, atol: 1e-6);

        void Train(string name, Func<nn.Parameter[], optim.Optimizer> make)
        {
            var ps = new[] { new nn.Parameter(p0.clone()), new nn.Parameter(p1.clone()) };
            using var opt = make(ps);
            for (int s = 0; s < Steps; s++)
            {
                for (int k = 0; k < 2; k++) ps[k].grad = grads[s, k].clone();
                opt.step();
            }
            o[name + ".p0"] = ps[0].detach();
            o[name + ".p1"] = ps[1].detach();
        }
    }

    [Fact]
    public void Linear_warmup_then_linear_decay()
    {
        using var p = new nn.Parameter(zeros(2));
        using var opt = optim.AdamW([p], lr: 1.0);
        var schedule = optim.lr_scheduler.get_linear_schedule_with_warmup(opt, num_warmup_steps: 4, num_training_steps: 12);
        var seen = new List<double> { opt.ParamGroups[0].LearningRate };
        for (int s = 0; s < 13; s++)
        {
            schedule.step();
            seen.Add(opt.ParamGroups[0].LearningRate);
        }
        double[] expected = [0, 0.25, 0.5, 0.75, 1, 7 / 8.0, 6 / 8.0, 5 / 8.0, 4 / 8.0, 3 / 8.0, 2 / 8.0, 1 / 8.0, 0, 0];
        Assert.Equal(expected, seen.ToArray(), new DoubleTolerance(1e-12));
    }

    /// <summary>A user-defined optimizer (as RecAdam will be): plain gradient descent through the base class.</summary>
    private sealed class HalfStep(IEnumerable<nn.Parameter> ps) : optim.Optimizer([new optim.ParamGroup(ps)], lr: 0.5, weight_decay: 0)
    {
        public override void step()
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            foreach (var g in ParamGroups)
                foreach (var p in g.Parameters)
                    if (p.grad is { } grad) p.add_(grad, -g.LearningRate);
        }
    }

    [Fact]
    public void Optimizer_can_be_subclassed()
    {
        using var scope = NewDisposeScope();
        var p = new nn.Parameter(tensor(new float[] { 1f, 2f }));
        using var opt = new HalfStep([p]);
        (p * p).sum().backward();   // grad = 2p
        opt.step();
        Assert.Equal(new float[] { 0f, 0f }, p.data<float>());
        opt.zero_grad();
        Assert.Null(p.grad);
    }

    private sealed class DoubleTolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
