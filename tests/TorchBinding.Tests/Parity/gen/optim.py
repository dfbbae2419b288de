"""Reference values for OptimizerParityTests: the same parameters, the same gradient sequence, five steps."""
import torch


def run(i):
    o = {}
    steps = int(i["steps"].item())
    grads = i["grads"]  # (steps, 2, *shape): per step, gradients of the two parameters
    configs = {
        "adam": lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1),
        "adamw": lambda ps: torch.optim.AdamW([{"params": [ps[0]]}, {"params": [ps[1]], "weight_decay": 0.0, "lr": 0.05}],
                                              lr=0.01, weight_decay=0.2),
        "sgd": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True),
        "sgd_damp": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.5, dampening=0.3),
    }
    for name, make in configs.items():
        ps = [torch.nn.Parameter(i["p0"].clone()), torch.nn.Parameter(i["p1"].clone())]
        opt = make(ps)
        for s in range(steps):
            for k, p in enumerate(ps):
                p.grad = grads[s, k].clone()
            opt.step()
        o[name + ".p0"], o[name + ".p1"] = ps[0].detach(), ps[1].detach()
    return o
