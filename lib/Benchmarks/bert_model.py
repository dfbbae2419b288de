"""The PyTorch BERT token classifier of the benchmarks (BERT-small: 4 layers, hidden 256, 4 heads, inner 1024; or
BERT-base: 12, 768, 12, 3072; vocabulary 21,128, 512 positions, dropout 0.1, 11 labels), written as Hugging Face's
BertModel computes it (separate Q/K/V projections, post-LN, exact GELU, additive padding mask): shared by bert_peer.py
(one process) and ddp_peer.py (DistributedDataParallel)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

SIZES = {"small": (256, 4, 4, 1024), "base": (768, 12, 12, 3072)}
VOCAB, POS, LABELS, LENGTH = 21128, 512, 11, 128


class Layer(nn.Module):
    def __init__(self, h, heads, inner):
        super().__init__()
        self.h, self.heads = h, heads
        self.q, self.k, self.v, self.o = (nn.Linear(h, h) for _ in range(4))
        self.norm1, self.norm2 = nn.LayerNorm(h, eps=1e-12), nn.LayerNorm(h, eps=1e-12)
        self.inner, self.out = nn.Linear(h, inner), nn.Linear(inner, h)
        self.drop = nn.Dropout(0.1)

    def forward(self, x, mask):
        b, l, _ = x.shape
        dh = self.h // self.heads
        q, k, v = (p(x).view(b, l, self.heads, dh).transpose(1, 2) for p in (self.q, self.k, self.v))
        probs = self.drop(torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh) + mask, -1))
        ctx = (probs @ v).transpose(1, 2).reshape(b, l, self.h)
        x = self.norm1(x + self.drop(self.o(ctx)))
        return self.norm2(x + self.drop(self.out(F.gelu(self.inner(x)))))


class Tagger(nn.Module):
    def __init__(self, size):
        super().__init__()
        h, layers, heads, inner = SIZES[size]
        self.words, self.positions, self.types = nn.Embedding(VOCAB, h, padding_idx=0), nn.Embedding(POS, h), nn.Embedding(2, h)
        self.norm, self.drop = nn.LayerNorm(h, eps=1e-12), nn.Dropout(0.1)
        self.layers = nn.ModuleList(Layer(h, heads, inner) for _ in range(layers))
        self.classifier = nn.Linear(h, LABELS)

    def forward(self, ids, attention):
        x = self.words(ids) + self.positions(torch.arange(ids.size(1), device=ids.device)) + self.types.weight[0]
        x = self.drop(self.norm(x))
        mask = (~attention)[:, None, None, :].float() * -10000.0
        for layer in self.layers:
            x = layer(x, mask)
        return self.classifier(self.drop(x))
