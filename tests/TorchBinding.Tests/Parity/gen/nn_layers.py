"""Reference values for ModulesParityTests: layers and losses with the weights the C# side made."""
import torch
import torch.nn.functional as F


def run(i):
    o = {}
    x = i["x"].clone().requires_grad_(True)
    w, b = i["lin.weight"].clone().requires_grad_(True), i["lin.bias"].clone().requires_grad_(True)
    y = F.linear(x, w, b)
    o["linear"] = y
    ln_w, ln_b = i["ln.weight"].clone().requires_grad_(True), i["ln.bias"].clone().requires_grad_(True)
    z = F.layer_norm(y, [y.shape[-1]], ln_w, ln_b, 1e-5)
    o["layer_norm"] = z
    emb_w = i["emb.weight"].clone().requires_grad_(True)
    e = F.embedding(i["tokens"], emb_w, padding_idx=0)
    o["embedding"] = e
    logits = z + e.sum(-1, keepdim=True)
    target = i["target"]
    o["ce_mean"] = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=-100)
    o["ce_none"] = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=-100, reduction="none")
    o["ce_smooth_sum"] = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=-100,
                                         reduction="sum", label_smoothing=0.1)
    o["ce_3d"] = F.cross_entropy(logits.transpose(1, 2), target, ignore_index=-100)
    o["nll"] = F.nll_loss(F.log_softmax(logits, -1).reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=-100)
    o["bce"] = F.binary_cross_entropy_with_logits(logits, i["soft"], pos_weight=i["pos_weight"])
    o["mse"] = F.mse_loss(logits, i["soft"])
    o["softmax"] = F.softmax(logits, -1)
    o["log_softmax"] = F.log_softmax(logits, 1)
    loss = o["ce_mean"] + o["bce"] + o["mse"]
    loss.backward()
    o["grad.x"], o["grad.lin.weight"], o["grad.lin.bias"] = x.grad, w.grad, b.grad
    o["grad.ln.weight"], o["grad.ln.bias"], o["grad.emb.weight"] = ln_w.grad, ln_b.grad, emb_w.grad
    return o
