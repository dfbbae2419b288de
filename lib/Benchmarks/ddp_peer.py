"""PyTorch reference for `lab bench ddp`: the BiLSTM-CRF of bilstm_crf_model.py (each rank a batch of BATCH x 100
characters) or the BERT-small tagger of bert_model.py (BATCH x 128 tokens) trained by DistributedDataParallel over gloo,
one rank of this script per process (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE from the environment, as torchrun sets
them). The ranks take a few warm-up steps, rank 0 times them and decides how many steps make SECONDS, every rank runs
that many, and rank 0 prints {"train_per_s": ...}, the characters (or tokens) of all ranks per second.

Usage: python3 ddp_peer.py TORCH_THREADS SECONDS BATCH [MODEL]   (MODEL: bilstm-crf, the default, or bert-small)"""
import json
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

import bert_model
import bilstm_crf_model

torch.set_num_threads(int(sys.argv[1]))
SECONDS, BATCH = float(sys.argv[2]), int(sys.argv[3])
MODEL = sys.argv[4] if len(sys.argv) > 4 else "bilstm-crf"
dist.init_process_group("gloo")
rank, world = dist.get_rank(), dist.get_world_size()
torch.manual_seed(0)
if MODEL == "bert-small":
    LENGTH = bert_model.LENGTH
    model = bert_model.Tagger("small")
    ddp = DistributedDataParallel(model)
    opt = torch.optim.AdamW(ddp.parameters(), lr=5e-5, weight_decay=0.01)
    torch.manual_seed(1 + rank)   # each rank its own batch
    ids = torch.randint(1, bert_model.VOCAB, (BATCH, LENGTH))
    attention = torch.ones(BATCH, LENGTH, dtype=torch.bool)
    labels = torch.randint(0, bert_model.LABELS, (BATCH, LENGTH))

    def loss_of_batch():
        return F.cross_entropy(ddp(ids, attention).reshape(-1, bert_model.LABELS), labels.reshape(-1))
    CLIP = 1.0
else:
    LENGTH = 100
    model = bilstm_crf_model.Tagger()
    ddp = DistributedDataParallel(model)
    opt = torch.optim.Adam(ddp.parameters(), lr=1e-3)
    torch.manual_seed(1 + rank)
    x = torch.randint(1, bilstm_crf_model.VOCAB, (BATCH, LENGTH))
    y = torch.randint(0, bilstm_crf_model.TAGS, (BATCH, LENGTH))
    mask = torch.ones(BATCH, LENGTH, dtype=torch.bool)

    def loss_of_batch():
        # The emissions come through the DDP wrapper (so its gradient hooks fire); the CRF's loss is taken on them.
        return model.crf.loss(ddp(x), y, mask)
    CLIP = 5.0
ddp.train()


def step():
    loss = loss_of_batch()
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(ddp.parameters(), CLIP)
    opt.step()


for _ in range(3):
    step()
dist.barrier()
start = time.perf_counter()
for _ in range(3):
    step()
steps = torch.tensor([max(3, int(SECONDS / ((time.perf_counter() - start) / 3)))])
dist.broadcast(steps, 0)
dist.barrier()
start = time.perf_counter()
for _ in range(int(steps.item())):
    step()
dist.barrier()
elapsed = time.perf_counter() - start
if rank == 0:
    print(json.dumps({"train_per_s": int(steps.item()) * BATCH * LENGTH * world / elapsed, "steps": int(steps.item())}), flush=True)
dist.destroy_process_group()
