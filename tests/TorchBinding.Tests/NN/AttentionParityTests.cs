using static TorchBinding.torch;
using F = TorchBinding.torch.nn.functional;

namespace TorchBinding.Tests;

/// <summary>
/// Multi-head self-attention written with the binding's ops and a per-example additive [B, L, L] mask
/// (K-BERT's visible matrix) equals PyTorch's nn.MultiheadAttention, forward and backward.
/// </summary>
public class AttentionParityTests
{
    [Fact]
    public void Masked_multi_head_attention_matches_pytorch()
    {
        using var scope = NewDisposeScope();
        manual_seed(8);
        const int B = 2, L = 5, D = 8, H = 2, Dh = D / H;
        using var q = nn.Linear(D, D).On();
        using var k = nn.Linear(D, D).On();
        using var v = nn.Linear(D, D).On();
        using var o = nn.Linear(D, D).On();
        var x = randn(B, L, D).On().requires_grad_();
        // Visible matrix: token j visible to i, else a large negative added to the score.
        var visible = rand(B, L, L).On() > 0.3;
        visible = visible | eye(L).On().@bool().unsqueeze(0);
        var mask = zeros(B, L, L).On().masked_fill(visible.logical_not(), -10000.0);

        Tensor Heads(Tensor t) => t.view(B, L, H, Dh).transpose(1, 2);                 // (B, H, L, Dh)
        var scores = Heads(q.call(x)).matmul(Heads(k.call(x)).transpose(-1, -2)) / Math.Sqrt(Dh); // (B, H, L, L)
        var probs = F.softmax(scores + mask.unsqueeze(1), -1);
        var context = probs.matmul(Heads(v.call(x))).transpose(1, 2).reshape(B, L, D);  // (B, L, D)
        var output = o.call(context);
        output.pow(2).sum().backward();

        var inputs = new Dictionary<string, Tensor>
        {
            ["x"] = x.detach(), ["mask"] = mask, ["heads"] = tensor((long)H),
            ["q.weight"] = q.weight.detach(), ["q.bias"] = q.bias!.detach(), ["k.weight"] = k.weight.detach(), ["k.bias"] = k.bias!.detach(),
            ["v.weight"] = v.weight.detach(), ["v.bias"] = v.bias!.detach(), ["o.weight"] = o.weight.detach(), ["o.bias"] = o.bias!.detach(),
        };
        var ours = new Dictionary<string, Tensor> { ["out"] = output, ["grad.x"] = x.grad! };
        PyTorchOracle.AssertAllClose(PyTorchOracle.Run("attention", inputs), ours, rtol: 1e-4, atol: 1e-5);
    }
}
