"""Reference values for RecurrentParityTests: nn.LSTM / nn.GRU with the C# weights, on a padded
batch of different lengths through pack_padded_sequence(enforce_sorted=False), forward and backward."""
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


def run_one(kind, i, prefix, batch_first):
    x = i[prefix + "x"].clone().requires_grad_(True)
    lengths = i["lengths"]
    cls = torch.nn.LSTM if kind == "lstm" else torch.nn.GRU
    m = cls(x.shape[-1], 5, num_layers=2, bidirectional=True, batch_first=batch_first)
    m.load_state_dict({k[len(prefix) + 2:]: v for k, v in i.items() if k.startswith(prefix + "m.")})
    packed = pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=False)
    out, state = m(packed)
    out, _ = pad_packed_sequence(out, batch_first=batch_first, total_length=x.shape[1 if batch_first else 0])
    h = state[0] if kind == "lstm" else state
    o = {prefix + "out": out, prefix + "h": h}
    loss = (out * i[prefix + "probe"]).sum() + (h * h).sum()
    if kind == "lstm":
        o[prefix + "c"] = state[1]
        loss = loss + state[1].sum()
    loss.backward()
    o[prefix + "grad.x"] = x.grad
    for k, p in m.named_parameters():
        o[prefix + "grad." + k] = p.grad
    return o


def run(i):
    o = {}
    o.update(run_one("lstm", i, "lstm.", True))
    o.update(run_one("gru", i, "gru.", False))
    return o
