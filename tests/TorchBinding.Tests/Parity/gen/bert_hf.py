"""Writes a tiny BERT in Hugging Face's BertForPreTraining layout (bert.* and cls.* names, the position_ids
buffer, the tied decoder copy, TF-era gamma/beta on the embedding LayerNorm) to the path given as UTF-8
bytes in i["path"], and returns a plain-PyTorch reference forward of it: sequence output and pooled output.
With i["position_ids"] (B, L) and i["visible"] (B, L, L, 1 = may attend) it is K-BERT's forward: soft positions, and
the visible matrix added to the attention scores of every layer as the padding mask is."""
import torch

import st


def run(i):
    cfg = {k: int(i["config." + k].item()) for k in ("vocab", "hidden", "layers", "heads", "inner", "positions", "types")}
    h, heads = cfg["hidden"], cfg["heads"]
    g = torch.Generator().manual_seed(int(i["seed"].item()))

    def rnd(*shape):
        return torch.randn(*shape, generator=g) * 0.2

    w = {"bert.embeddings.word_embeddings.weight": rnd(cfg["vocab"], h),
         "bert.embeddings.position_embeddings.weight": rnd(cfg["positions"], h),
         "bert.embeddings.token_type_embeddings.weight": rnd(cfg["types"], h),
         "bert.embeddings.LayerNorm.gamma": 1 + rnd(h), "bert.embeddings.LayerNorm.beta": rnd(h),
         "bert.embeddings.position_ids": torch.arange(cfg["positions"]).unsqueeze(0)}
    for n in range(cfg["layers"]):
        p = f"bert.encoder.layer.{n}."
        for name, (o, k) in {"attention.self.query": (h, h), "attention.self.key": (h, h), "attention.self.value": (h, h),
                             "attention.output.dense": (h, h), "intermediate.dense": (cfg["inner"], h), "output.dense": (h, cfg["inner"])}.items():
            w[p + name + ".weight"], w[p + name + ".bias"] = rnd(o, k), rnd(o)
        for name in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[p + name + ".weight"], w[p + name + ".bias"] = 1 + rnd(h), rnd(h)
    w["bert.pooler.dense.weight"], w["bert.pooler.dense.bias"] = rnd(h, h), rnd(h)
    w["cls.predictions.bias"] = rnd(cfg["vocab"])
    w["cls.predictions.transform.dense.weight"], w["cls.predictions.transform.dense.bias"] = rnd(h, h), rnd(h)
    w["cls.predictions.transform.LayerNorm.weight"], w["cls.predictions.transform.LayerNorm.bias"] = 1 + rnd(h), rnd(h)
    w["cls.predictions.decoder.weight"] = w["bert.embeddings.word_embeddings.weight"]
    w["cls.seq_relationship.weight"], w["cls.seq_relationship.bias"] = rnd(2, h), rnd(2)
    st.save(w, bytes(i["path"].tolist()).decode("utf-8"), {"format": "pt"})

    ids, types, mask = i["input_ids"], i["token_type_ids"], i["attention_mask"]
    b, l = ids.shape
    ln = torch.nn.functional.layer_norm
    positions = i["position_ids"] if "position_ids" in i else torch.arange(l)
    x = w["bert.embeddings.word_embeddings.weight"][ids] + w["bert.embeddings.position_embeddings.weight"][positions] \
        + w["bert.embeddings.token_type_embeddings.weight"][types]
    x = ln(x, (h,), w["bert.embeddings.LayerNorm.gamma"], w["bert.embeddings.LayerNorm.beta"], 1e-12)
    additive = (1.0 - mask.float())[:, None, None, :] * -10000.0
    if "visible" in i:
        additive = additive + (1.0 - i["visible"].float())[:, None, :, :] * -10000.0
    dh = h // heads

    def lin(t, name):
        return t @ w[name + ".weight"].T + w[name + ".bias"]

    for n in range(cfg["layers"]):
        p = f"bert.encoder.layer.{n}."
        q, k, v = (lin(x, p + "attention.self." + s).view(b, l, heads, dh).transpose(1, 2) for s in ("query", "key", "value"))
        probs = torch.softmax(q @ k.transpose(-1, -2) / dh ** 0.5 + additive, -1)
        ctx = (probs @ v).transpose(1, 2).reshape(b, l, h)
        x = ln(x + lin(ctx, p + "attention.output.dense"), (h,), w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], 1e-12)
        f = lin(torch.nn.functional.gelu(lin(x, p + "intermediate.dense")), p + "output.dense")
        x = ln(x + f, (h,), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], 1e-12)
    pooled = torch.tanh(lin(x[:, 0], "bert.pooler.dense"))
    return {"sequence": x, "pooled": pooled}
