"""PyTorch reference for `lab bench bert`: a BERT token classifier (BERT-small: 4 layers, hidden 256, 4 heads, inner
1024; or BERT-base: 12, 768, 12, 3072; vocabulary 21,128, 512 positions, dropout 0.1, 11 labels) trained with AdamW on
batches of BATCH x 128 tokens, written as Hugging Face's BertModel computes it (separate Q/K/V projections, post-LN,
exact GELU, additive padding mask), on DEVICE, in float32 or under bfloat16 autocast.

Usage: python3 bert_peer.py TORCH_THREADS SECONDS [SIZE BATCH DEVICE PRECISION]   (OPENBLAS_NUM_THREADS from the environment)
Defaults: small 16 cpu fp32. Prints {"train_tokens_per_s": ...}; with LAB_PEER_SERVE=1, serves single rounds of the case
"train" (tokens/s) instead (peer_timing.serve)."""
import contextlib
import json
import math
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

from peer_timing import best_per_second, per_second, serve, serving

torch.set_num_threads(int(sys.argv[1]))
SECONDS = float(sys.argv[2])
SIZE, BATCH, DEVICE, PRECISION = (sys.argv[3:7] + ["small", "16", "cpu", "fp32"][len(sys.argv[3:7]):])
BATCH = int(BATCH)
torch.manual_seed(0)
H, LAYERS, HEADS, INNER = {"small": (256, 4, 4, 1024), "base": (768, 12, 12, 3072)}[SIZE]
VOCAB, POS, LABELS, LENGTH = 21128, 512, 11, 128


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(H, H) for _ in range(4))
        self.norm1, self.norm2 = nn.LayerNorm(H, eps=1e-12), nn.LayerNorm(H, eps=1e-12)
        self.inner, self.out = nn.Linear(H, INNER), nn.Linear(INNER, H)
        self.drop = nn.Dropout(0.1)

    def forward(self, x, mask):
        b, l, _ = x.shape
        dh = H // HEADS
        q, k, v = (p(x).view(b, l, HEADS, dh).transpose(1, 2) for p in (self.q, self.k, self.v))
        probs = self.drop(torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh) + mask, -1))
        ctx = (probs @ v).transpose(1, 2).reshape(b, l, H)
        x = self.norm1(x + self.drop(self.o(ctx)))
        return self.norm2(x + self.drop(self.out(F.gelu(self.inner(x)))))


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.words, self.positions, self.types = nn.Embedding(VOCAB, H, padding_idx=0), nn.Embedding(POS, H), nn.Embedding(2, H)
        self.norm, self.drop = nn.LayerNorm(H, eps=1e-12), nn.Dropout(0.1)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))
        self.classifier = nn.Linear(H, LABELS)

    def forward(self, ids, attention):
        x = self.words(ids) + self.positions(torch.arange(ids.size(1), device=ids.device)) + self.types.weight[0]
        x = self.drop(self.norm(x))
        mask = (~attention)[:, None, None, :].float() * -10000.0
        for layer in self.layers:
            x = layer(x, mask)
        return self.classifier(self.drop(x))


model = Tagger().to(DEVICE)
opt = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.01)
ids = torch.randint(1, VOCAB, (BATCH, LENGTH), device=DEVICE)
attention = torch.ones(BATCH, LENGTH, dtype=torch.bool, device=DEVICE)
labels = torch.randint(0, LABELS, (BATCH, LENGTH), device=DEVICE)
gpu = DEVICE.startswith("cuda")


def step():
    with torch.autocast("cuda" if gpu else "cpu", dtype=torch.bfloat16) if PRECISION == "bf16" else contextlib.nullcontext():
        loss = F.cross_entropy(model(ids, attention).reshape(-1, LABELS), labels.reshape(-1))
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    if gpu:
        torch.cuda.synchronize()   # time the work, not its queueing


model.train()
if serving():
    serve({"train": lambda seconds: per_second(step, BATCH * LENGTH, seconds)})
else:
    print(json.dumps({"train_tokens_per_s": best_per_second(step, BATCH * LENGTH, SECONDS)}))
