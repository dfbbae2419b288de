"""Reference values for OpsParityTests: the same op families on the same inputs."""
import torch
import torch.nn.functional as F


def run(i):
    a, b, c, d = i["a"], i["b"], i["c"], i["d"]
    idx, mask, v = i["idx"], i["mask"], i["v"]
    o = {}
    # pointwise
    o["add"] = a + b
    o["add_alpha"] = torch.add(a, b, alpha=2.5)
    o["sub_scalar"] = a - 1.5
    o["rsub"] = 2 - a
    o["mul"] = a * b
    o["div"] = a / (b.abs() + 1)
    o["rdiv"] = 3 / (b.abs() + 1)
    o["pow"] = a.abs().pow(1.7)
    o["exp"] = a.exp()
    o["log"] = (a.abs() + 0.1).log()
    o["sqrt"] = a.abs().sqrt()
    o["tanh"] = a.tanh()
    o["sigmoid"] = a.sigmoid()
    o["relu"] = a.relu()
    o["log_sigmoid"] = F.logsigmoid(a * 20)
    o["gelu"] = F.gelu(a)
    o["clamp"] = a.clamp(-0.5, 0.7)
    o["where"] = torch.where(mask, a, b)
    o["maximum"] = torch.maximum(a, b)
    o["remainder"] = torch.remainder(a * 3, 1.0)
    o["lerp"] = torch.lerp(a, b, 0.3)
    # comparison
    o["gt"] = (a > b).to(torch.int64)
    o["le_scalar"] = (a <= 0.1).to(torch.int64)
    o["eq"] = (idx == 2).to(torch.int64)
    # reductions
    o["sum"] = a.sum()
    o["sum1"] = a.sum(1)
    o["sum0"] = a.sum(0)
    o["mean0"] = a.mean(0)
    o["mean0k"] = a.mean(0, keepdim=True)
    o["max"] = a.max()
    mv, mi = a.max(1)
    o["max1_v"], o["max1_i"] = mv, mi
    o["argmax"] = a.argmax(1)
    o["logsumexp"] = torch.logsumexp(a, 1)
    o["norm"] = a.norm()
    o["norm1"] = a.norm(p=1, dim=[1])
    o["var"] = a.var()
    o["var0"] = a.var(0, unbiased=False)
    o["std1"] = a.std(1)
    tv, ti = v.topk(3)
    o["topk_v"], o["topk_i"] = tv, ti
    sv, si = v.sort(descending=True)
    o["sort_v"], o["sort_i"] = sv, si
    o["cumsum"] = a.cumsum(1)
    # shapes and views
    o["view"] = a.view(4, 3)
    o["t"] = a.t().contiguous()
    o["permute"] = d.permute(2, 0, 1).contiguous()
    o["unsqueeze"] = a.unsqueeze(1)
    o["squeeze"] = a.unsqueeze(1).squeeze(1)
    o["squeeze_all"] = a[None, :, None].squeeze()
    o["min"] = a.min()
    nv, ni = a.min(0, keepdim=True)
    o["min0_v"], o["min0_i"] = nv, ni
    o["any_all"] = torch.stack([mask.any(), mask.all()]).to(torch.int64)
    o["expand"] = a[:1].expand(3, 4).contiguous()
    o["narrow"] = a.narrow(1, 1, 2).contiguous()
    o["chunk1"] = a.chunk(2, 1)[1].contiguous()
    o["split0"] = a.split(2, 0)[1].contiguous()
    o["cat"] = torch.cat([a, b], 0)
    o["stack"] = torch.stack([a, b], 2)
    o["flip"] = a.flip(1)
    o["repeat"] = a.repeat(2, 1)
    o["tril"] = c.tril()
    o["triu1"] = c.triu(1)
    o["flatten"] = d.flatten(1)
    # indexing
    o["index_select"] = a.index_select(1, idx)
    o["gather"] = a.gather(1, idx.view(1, -1).expand(3, -1).contiguous()[:, :3])
    o["scatter"] = torch.zeros(3, 4).scatter(1, idx.view(1, -1)[:, :2].expand(3, 2).contiguous(), a[:, :2].contiguous())
    o["masked_fill"] = a.masked_fill(mask, -1e4)
    o["masked_select"] = a[mask]
    o["slice"] = a[1:, ::2].contiguous()
    o["neg_index"] = a[-1]
    o["none_ellipsis"] = a[None, ..., 1]
    o["adv_index"] = a[idx[:2]]
    # linear algebra
    o["matmul"] = a @ c
    o["bmm"] = torch.bmm(d, d.transpose(1, 2))
    o["baddbmm"] = torch.baddbmm(torch.ones(2, 3, 3), d, d.transpose(1, 2), beta=0.5, alpha=2.0)
    o["einsum"] = torch.einsum("bij,bkj->bik", d, d)
    return o
