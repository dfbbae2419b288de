
using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>Every op family against PyTorch on the same inputs (see Parity/gen/ops.py).</summary>
public class OpsParityTests
{
    [Fact]
    public void Op_families_match_pytorch()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        var a = randn(3, 4).On();
        var b = randn(3, 4).On();
        var c = randn(4, 4).On();
        var d = randn(2, 3, 5).On();
        var idx = tensor(new long[] { 2, 0, 3, 2 }).On();
        var mask = a > 0.2;
        var v = tensor(new float[] { 0.5f, -1f, 3f, 2f, 0f, 7f }).On();
        var inputs = new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b, ["c"] = c, ["d"] = d, ["idx"] = idx, ["mask"] = mask, ["v"] = v };

        var o = new Dictionary<string, Tensor>
        {
            ["add"] = a + b,
            ["add_alpha"] = a.add(b, 2.5),
            ["sub_scalar"] = a - 1.5,
            ["rsub"] = 2 - a,
            ["mul"] = a * b,
            ["div"] = a / (b.abs() + 1),
            ["rdiv"] = 3 / (b.abs() + 1),
            ["pow"] = a.abs().pow(1.7),
            ["exp"] = a.exp(),
            ["log"] = (a.abs() + 0.1).log(),
            ["sqrt"] = a.abs().sqrt(),
            ["tanh"] = a.tanh(),
            ["sigmoid"] = a.sigmoid(),
            ["relu"] = a.relu(),
            ["log_sigmoid"] = nn.functional.log_sigmoid(a * 20),
            ["gelu"] = nn.functional.gelu(a),
            ["clamp"] = a.clamp(-0.5, 0.7),
            ["where"] = where(mask, a, b),
            ["maximum"] = maximum(a, b),
            ["remainder"] = (a * 3).remainder(1.0),
            ["lerp"] = a.lerp(b, 0.3),
            ["gt"] = (a > b).@long(),
            ["le_scalar"] = (a <= 0.1).@long(),
            ["eq"] = idx.eq(2).@long(),
            ["sum"] = a.sum(),
            ["sum1"] = a.sum(1),
            ["sum0"] = a.sum(0),      // a literal 0: the dimension, not a ScalarType
            ["mean0"] = a.mean(0),
            ["mean0k"] = a.mean(0, keepdim: true),
            ["max"] = a.max(),
            ["argmax"] = a.argmax(1),
            ["logsumexp"] = a.logsumexp(1),
            ["norm"] = a.norm(),
            ["norm1"] = a.norm([1], p: 1),
            ["var"] = a.var(),
            ["var0"] = a.var(0, unbiased: false),
            ["std1"] = a.std(1),
            ["cumsum"] = a.cumsum(1),
            ["view"] = a.view(4, 3),
            ["t"] = a.t().contiguous(),
            ["permute"] = d.permute(2, 0, 1).contiguous(),
            ["unsqueeze"] = a.unsqueeze(1),
            ["squeeze"] = a.unsqueeze(1).squeeze(1),
            ["squeeze_all"] = a[TensorIndex.None, TensorIndex.Colon, TensorIndex.None].squeeze(),
            ["min"] = a.min(),
            ["any_all"] = stack([mask.any(), mask.all()]).@long(),
            ["expand"] = a[..1].expand(3, 4).contiguous(),
            ["narrow"] = a.narrow(1, 1, 2).contiguous(),
            ["chunk1"] = a.chunk(2, 1)[1].contiguous(),
            ["split0"] = a.split(2, 0)[1].contiguous(),
            ["cat"] = cat([a, b], 0),
            ["stack"] = stack([a, b], 2),
            ["flip"] = a.flip(1),
            ["repeat"] = a.repeat(2, 1),
            ["tril"] = c.tril(),
            ["triu1"] = c.triu(1),
            ["flatten"] = d.flatten(1),
            ["index_select"] = a.index_select(1, idx),
            ["gather"] = a.gather(1, idx.view(1, -1).expand(3, -1).contiguous()[.., ..3]),
            ["scatter"] = zeros(3, 4).On().scatter(1, idx.view(1, -1)[.., ..2].expand(3, 2).contiguous(), a[.., ..2].contiguous()),
            ["masked_fill"] = a.masked_fill(mask, -1e4),
            ["masked_select"] = a[mask],
            ["slice"] = a[TensorIndex.Slice(1), TensorIndex.Slice(step: 2)].contiguous(),
            ["neg_index"] = a[-1],
            ["none_ellipsis"] = a[TensorIndex.None, TensorIndex.Ellipsis, 1],
            ["adv_index"] = a[idx[..2]],
            ["matmul"] = a.matmul(c),
            ["bmm"] = d.bmm(d.transpose(1, 2)),
            ["baddbmm"] = ones(2, 3, 3).On().baddbmm(d, d.transpose(1, 2), beta: 0.5, alpha: 2.0),
            ["einsum"] = einsum("bij,bkj->bik", d, d),
        };
        var (mv, mi) = a.max(1);
        o["max1_v"] = mv; o["max1_i"] = mi;
        var (nv, ni) = a.min(0, keepdim: true);
        o["min0_v"] = nv; o["min0_i"] = ni;
        var (tv, ti) = v.topk(3);
        o["topk_v"] = tv; o["topk_i"] = ti;
        var (sv, si) = v.sort(descending: true);
        o["sort_v"] = sv; o["sort_i"] = si;

        var expected = PyTorchOracle.Run("ops", inputs);
        PyTorchOracle.AssertAllClose(expected, o);
        Assert.Equal(ScalarType.Int64, o["argmax"].dtype);
        Assert.Equal(ScalarType.Bool, mask.dtype);
    }
}
