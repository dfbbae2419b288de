"""PyTorch reference for `lab bench ddp`: the BiLSTM-CRF of bilstm_crf_model.py trained by DistributedDataParallel over
gloo, one rank of this script per process (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE from the environment, as torchrun
sets them), each rank a batch of BATCH x 100 characters and one thread. The ranks take a few warm-up steps, rank 0
times them and decides how many steps make SECONDS, every rank runs that many, and rank 0 prints
{"train_chars_per_s": ...} counting the characters of all ranks.

Usage: python3 ddp_peer.py TORCH_THREADS SECONDS BATCH"""
import json
import sys
import time

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from bilstm_crf_model import TAGS, VOCAB, Tagger

torch.set_num_threads(int(sys.argv[1]))
SECONDS, BATCH, LENGTH = float(sys.argv[2]), int(sys.argv[3]), 100
dist.init_process_group("gloo")
rank, world = dist.get_rank(), dist.get_world_size()
torch.manual_seed(0)
model = Tagger()
ddp = DistributedDataParallel(model)
opt = torch.optim.Adam(ddp.parameters(), lr=1e-3)
torch.manual_seed(1 + rank)   # each rank its own batch
x = torch.randint(1, VOCAB, (BATCH, LENGTH))
y = torch.randint(0, TAGS, (BATCH, LENGTH))
mask = torch.ones(BATCH, LENGTH, dtype=torch.bool)
ddp.train()


def step():
    # The emissions come through the DDP wrapper (so its gradient hooks fire); the CRF's loss is taken on them.
    loss = model.crf.loss(ddp(x), y, mask)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(ddp.parameters(), 5.0)
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
    print(json.dumps({"train_chars_per_s": int(steps.item()) * BATCH * LENGTH * world / elapsed, "steps": int(steps.item())}), flush=True)
dist.destroy_process_group()
