"""PyTorch reference for `lab bench bilstm-crf`: the same BiLSTM-CRF (emb 100, hidden 128 per
direction, 11 tags, dropout 0.5, batch 32 x 100 characters), with a CRF vectorised over batch and
tags as a careful PyTorch user writes it (loops over time only).

Usage: python3 bilstm_crf_peer.py TORCH_THREADS SECONDS   (OPENBLAS_NUM_THREADS from the environment)
Prints {"train_chars_per_s": ..., "decode_sentences_per_s": ...}; with LAB_PEER_SERVE=1, serves single rounds of the
cases "train" (chars/s) and "decode" (sentences/s) instead (peer_timing.serve)."""
import json
import sys

import torch

import peer_timing
from bilstm_crf_model import TAGS, VOCAB, Tagger

torch.set_num_threads(int(sys.argv[1]))
SECONDS = float(sys.argv[2])
torch.manual_seed(0)
BATCH, LENGTH = 32, 100


model = Tagger()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.randint(1, VOCAB, (BATCH, LENGTH))
y = torch.randint(0, TAGS, (BATCH, LENGTH))
mask = torch.ones(BATCH, LENGTH, dtype=torch.bool)


def train_step():
    loss = model.crf.loss(model.emissions(x), y, mask)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    opt.step()


def decode_step():
    with torch.no_grad():
        model.crf.decode(model.emissions(x), mask)


def timed(fn, units, timing, seconds):
    """`timing` (a peer_timing procedure) of fn, the model in training mode for the training step, eval for decoding."""
    model.train(fn is train_step)
    return timing(fn, units, seconds)


if peer_timing.serving():
    peer_timing.serve({"train": lambda seconds: timed(train_step, BATCH * LENGTH, peer_timing.per_second, seconds),
                       "decode": lambda seconds: timed(decode_step, BATCH, peer_timing.per_second, seconds)})
else:
    print(json.dumps({"train_chars_per_s": timed(train_step, BATCH * LENGTH, peer_timing.best_per_second, SECONDS),
                      "decode_sentences_per_s": timed(decode_step, BATCH, peer_timing.best_per_second, SECONDS)}))
