using static TorchBinding.torch;
using F = TorchBinding.torch.nn.functional;

namespace TorchBinding.Tests;

/// <summary>Layers, losses and their gradients against PyTorch with the same weights (Parity/gen/nn_layers.py).</summary>
public class ModulesParityTests
{
    [Fact]
    public void Layers_losses_and_gradients_match_pytorch()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        using var lin = nn.Linear(6, 4).On();
        using var ln = nn.LayerNorm(4).On();
        using var emb = nn.Embedding(10, 3, padding_idx: 0).On();
        using (no_grad())
        {
            ln.weight!.normal_(1, 0.2);
            ln.bias!.normal_(0, 0.2);
        }
        var x = randn(2, 5, 6).On().requires_grad_();
        var tokens = tensor(new long[] { 3, 0, 5, 9, 0, 1, 2, 0, 0, 7 }, [2, 5]).On();
        var target = tensor(new long[] { 1, -100, 3, 0, 2, 2, -100, 1, 0, 3 }, [2, 5]).On();
        var soft = rand(2, 5, 4).On();
        var pos_weight = tensor(new float[] { 1f, 2f, 0.5f, 3f }).On();

        var inputs = new Dictionary<string, Tensor>
        {
            ["x"] = x.detach(), ["tokens"] = tokens, ["target"] = target, ["soft"] = soft, ["pos_weight"] = pos_weight,
            ["lin.weight"] = lin.weight.detach(), ["lin.bias"] = lin.bias!.detach(),
            ["ln.weight"] = ln.weight!.detach(), ["ln.bias"] = ln.bias!.detach(), ["emb.weight"] = emb.weight.detach(),
        };

        var y = lin.call(x);
        var z = ln.call(y);
        var e = emb.call(tokens);
        var logits = z + e.sum(-1, keepdim: true);
        var flat = logits.reshape(-1, 4);
        var o = new Dictionary<string, Tensor>
        {
            ["linear"] = y, ["layer_norm"] = z, ["embedding"] = e,
            ["ce_mean"] = F.cross_entropy(flat, target.reshape(-1)),
            ["ce_none"] = F.cross_entropy(flat, target.reshape(-1), reduction: nn.Reduction.None),
            ["ce_smooth_sum"] = F.cross_entropy(flat, target.reshape(-1), reduction: nn.Reduction.Sum, label_smoothing: 0.1),
            ["ce_3d"] = F.cross_entropy(logits.transpose(1, 2), target),
            ["nll"] = F.nll_loss(F.log_softmax(logits, -1).reshape(-1, 4), target.reshape(-1)),
            ["bce"] = F.binary_cross_entropy_with_logits(logits, soft, pos_weight: pos_weight),
            ["mse"] = F.mse_loss(logits, soft),
            ["softmax"] = F.softmax(logits, -1),
            ["log_softmax"] = F.log_softmax(logits, 1),
        };
        (o["ce_mean"] + o["bce"] + o["mse"]).backward();
        o["grad.x"] = x.grad!;
        o["grad.lin.weight"] = lin.weight.grad!;
        o["grad.lin.bias"] = lin.bias.grad!;
        o["grad.ln.weight"] = ln.weight.grad!;
        o["grad.ln.bias"] = ln.bias.grad!;
        o["grad.emb.weight"] = emb.weight.grad!;

        PyTorchOracle.AssertAllClose(PyTorchOracle.Run("nn_layers", inputs), o, rtol: 1e-4, atol: 1e-5);
        // The padding row gets no gradient.
        Assert.Equal(0f, emb.weight.grad![0].abs().sum().item<float>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Dropout_gradient_is_the_scaled_mask_and_streams_follow_the_seed(bool fast)
    {
        using (backends.use_fused(backends.fused with { Dropout = fast }))
        {
            using var scope = NewDisposeScope();
            var x = (rand(1000) + 1).requires_grad_();
            manual_seed(5);
            var y = F.dropout(x, 0.3);
            y.sum().backward();
            var kept = y.ne(0);
            Assert.True(x.grad!.equal(kept.@float() / 0.7f) || x.grad!.allclose(kept.@float() / 0.7f));
            Assert.True(y.masked_select(kept).allclose(x.detach().masked_select(kept) / 0.7f));
            manual_seed(5);
            Assert.True(F.dropout(x.detach(), 0.3).equal(y.detach()));           // same seed, same mask
            Assert.False(F.dropout(x.detach(), 0.3).equal(y.detach()));          // the stream moves on
            double fraction = kept.@float().mean().item<float>();
            Assert.InRange(fraction, 0.65, 0.75);
        }
    }

    [Fact]
    public void Dropout_is_identity_in_eval_and_scales_survivors_in_training()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var drop = nn.Dropout(0.25);
        var x = ones(100_000);
        var trained = drop.call(x);
        double kept = (trained > 0).@float().mean().item<float>();
        Assert.InRange(kept, 0.74, 0.76);
        Assert.Equal(1 / 0.75, trained.max().item<float>(), 4);
        drop.eval();
        Assert.True(drop.call(x).equal(x));
    }
}
