"""PyTorch reference for `lab bench bert`: a BERT token classifier (BERT-small: 4 layers, hidden 256, 4 heads, inner
1024; or BERT-base: 12, 768, 12, 3072; vocabulary 21,128, 512 positions, dropout 0.1, 11 labels) trained with AdamW on
batches of BATCH x 128 tokens, written as Hugging Face's BertModel computes it (separate Q/K/V projections, post-LN,
exact GELU, additive padding mask), on DEVICE, in float32 or under bfloat16 autocast.

Usage: python3 bert_peer.py TORCH_THREADS SECONDS [SIZE BATCH DEVICE PRECISION]   (OPENBLAS_NUM_THREADS from the environment)
Defaults: small 16 cpu fp32. Prints {"train_tokens_per_s": ...}; with LAB_PEER_SERVE=1, serves single rounds of the case
"train" (tokens/s) instead (peer_timing.serve)."""
import contextlib
import json
import sys

import torch
import torch.nn.functional as F

from bert_model import LABELS, LENGTH, VOCAB, Tagger
from peer_timing import best_per_second, per_second, serve, serving

torch.set_num_threads(int(sys.argv[1]))
SECONDS = float(sys.argv[2])
SIZE, BATCH, DEVICE, PRECISION = (sys.argv[3:7] + ["small", "16", "cpu", "fp32"][len(sys.argv[3:7]):])
BATCH = int(BATCH)
torch.manual_seed(0)
model = Tagger(SIZE).to(DEVICE)
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
