"""Reference for AttentionParityTests: nn.MultiheadAttention with a per-example additive float mask
(K-BERT's visible matrix), expanded to (B*heads, L, L) as PyTorch expects."""
import torch


def run(i):
    x, mask = i["x"].clone().requires_grad_(True), i["mask"]
    b, l, d = x.shape
    heads = int(i["heads"].item())
    mha = torch.nn.MultiheadAttention(d, heads, batch_first=True, bias=True)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([i["q.weight"], i["k.weight"], i["v.weight"]]))
        mha.in_proj_bias.copy_(torch.cat([i["q.bias"], i["k.bias"], i["v.bias"]]))
        mha.out_proj.weight.copy_(i["o.weight"])
        mha.out_proj.bias.copy_(i["o.bias"])
    attn_mask = mask.repeat_interleave(heads, dim=0)  # (B*H, L, L)
    out, _ = mha(x, x, x, attn_mask=attn_mask, need_weights=False)
    out.pow(2).sum().backward()
    return {"out": out, "grad.x": x.grad}
