"""Reference for CpuAutocastTests: a linear layer, a matrix product, a softmax and a layer norm under
torch.autocast("cpu", dtype=torch.bfloat16), as a BERT block strings them. Each output comes back in float32
beside a code of the dtype the autocast policy gave it (0 float32, 1 bfloat16)."""
import torch

CODES = {torch.float32: 0, torch.bfloat16: 1}


def run(i):
    x, w, b, a = i["x"], i["w"], i["b"], i["a"]
    with torch.autocast("cpu", dtype=torch.bfloat16):
        lin = torch.nn.functional.linear(x, w, b)
        mm = torch.matmul(x, a.t())
        sm = torch.softmax(mm, -1)
        ln = torch.nn.functional.layer_norm(lin, (lin.shape[-1],))
    out = {"linear": lin, "matmul": mm, "softmax": sm, "layer_norm": ln}
    result = {k: v.float() for k, v in out.items()}
    result.update({"dtype." + k: torch.tensor([CODES[v.dtype]]) for k, v in out.items()})
    return result
