"""Reference for BertParityTests: one BERT layer is torch.nn.TransformerEncoderLayer with norm_first=False
and GELU, given the same weights (Q, K, V stacked into in_proj) and the same additive mask."""
import torch


def run(i):
    x, mask = i["x"].clone().requires_grad_(True), i["mask"]
    b, l, h = x.shape
    heads = int(i["heads"].item())
    inner = i["intermediate.dense.weight"].shape[0]
    layer = torch.nn.TransformerEncoderLayer(h, heads, inner, dropout=0.0, activation="gelu",
                                             layer_norm_eps=1e-12, batch_first=True, norm_first=False)
    p = "attention."
    with torch.no_grad():
        layer.self_attn.in_proj_weight.copy_(torch.cat([i[p + "self.query.weight"], i[p + "self.key.weight"], i[p + "self.value.weight"]]))
        layer.self_attn.in_proj_bias.copy_(torch.cat([i[p + "self.query.bias"], i[p + "self.key.bias"], i[p + "self.value.bias"]]))
        layer.self_attn.out_proj.weight.copy_(i[p + "output.dense.weight"])
        layer.self_attn.out_proj.bias.copy_(i[p + "output.dense.bias"])
        layer.norm1.weight.copy_(i[p + "output.LayerNorm.weight"])
        layer.norm1.bias.copy_(i[p + "output.LayerNorm.bias"])
        layer.linear1.weight.copy_(i["intermediate.dense.weight"])
        layer.linear1.bias.copy_(i["intermediate.dense.bias"])
        layer.linear2.weight.copy_(i["output.dense.weight"])
        layer.linear2.bias.copy_(i["output.dense.bias"])
        layer.norm2.weight.copy_(i["output.LayerNorm.weight"])
        layer.norm2.bias.copy_(i["output.LayerNorm.bias"])
    out = layer(x, src_mask=mask.repeat_interleave(heads, dim=0))  # (B*heads, L, L) additive
    (out * i["cotangent"]).sum().backward()
    return {"out": out, "grad.x": x.grad,
            "grad.query.weight": layer.self_attn.in_proj_weight.grad[:h],
            "grad.intermediate.dense.weight": layer.linear1.weight.grad,
            "grad.output.LayerNorm.weight": layer.norm2.weight.grad}
