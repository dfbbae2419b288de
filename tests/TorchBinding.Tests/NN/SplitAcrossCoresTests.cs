using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>
/// The element-wise kernels of our own (GELU, dropout, the Adam step) take both cores on tensors of 2^19 elements or more
/// (a second, short-lived thread for the upper half). Each element's result depends on that element alone, so a split
/// must give what one pass gives: checked on tensors past the threshold, with odd sizes, against references that run
/// in one pass (libtorch's GELU, the element-wise Adam, the bfloat16 dropout, which is never split).
/// </summary>
public class SplitAcrossCoresTests
{
    private const long Large = (1L << 20) + 4099;   // past the split threshold, the halves not a multiple of the vector width

    [Fact]
    public void Gelu_forward_and_backward_on_a_large_tensor_equal_libtorchs()
    {
        using var scope = NewDisposeScope();
        manual_seed(31);
        var x = randn(Large) * 4;
        var dy = randn(Large);
        (Tensor Y, Tensor Dx) Run(bool fused)
        {
            using var _ = backends.use_fused(fused ? backends.FusedKernels.All : backends.FusedKernels.None);
            var input = x.detach().clone().requires_grad_(true);
            var y = input.gelu();
            y.backward(dy);
            return (y.detach(), input.grad!);
        }
        var ours = Run(fused: true);
        var libtorch = Run(fused: false);
        Assert.True(ours.Y.allclose(libtorch.Y, 1e-5, 1e-6), $"forward differs by up to {(ours.Y - libtorch.Y).abs().max().item<float>()}");
        Assert.True(ours.Dx.allclose(libtorch.Dx, 1e-5, 1e-6), $"gradient differs by up to {(ours.Dx - libtorch.Dx).abs().max().item<float>()}");
    }

    [Fact]
    public void Dropout_on_a_large_tensor_keeps_the_one_pass_mask_and_its_gradient()
    {
        using var scope = NewDisposeScope();
        var x = randn(Large);
        manual_seed(7);
        var input = x.detach().clone().requires_grad_(true);
        var y = nn.functional.dropout(input, 0.25);
        y.sum().backward();
        manual_seed(7);
        var onePass = nn.functional.dropout(x.to_type(ScalarType.BFloat16), 0.25).ne(0);   // the bfloat16 kernel runs in one pass
        var kept = y.detach().ne(0);
        Assert.True(kept.equal(onePass), $"{kept.ne(onePass).sum().item<long>()} positions keep differently from the one-pass mask");
        Assert.True(y.detach().equal(where(kept, x * (1 / 0.75f), zeros_like(x))), "kept values are not x times 1 / (1 - p)");
        Assert.True(input.grad!.equal(where(kept, full_like(x, 1 / 0.75f), zeros_like(x))), "the gradient is not the mask times 1 / (1 - p)");
    }

    [Fact]
    public void The_adam_step_on_a_large_parameter_equals_the_element_wise_step()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var start = randn(Large);
        var grads = randn(3, Large);
        Tensor Train(bool fused)
        {
            using var _ = backends.use_fused(backends.fused with { Adam = fused });
            var p = new nn.Parameter(start.clone());
            using var opt = optim.AdamW([p], lr: 0.01, weight_decay: 0.1);
            for (int s = 0; s < 3; s++)
            {
                opt.zero_grad();
                p.grad = grads[s].clone();
                opt.step();
            }
            return p.detach().clone();
        }
        var fusedResult = Train(fused: true);
        var elementWise = Train(fused: false);
        Assert.True(fusedResult.allclose(elementWise, 1e-6, 1e-7), $"differs by up to {(fusedResult - elementWise).abs().max().item<float>()}");
    }
}
