"""The PyTorch BiLSTM-CRF of the benchmarks (emb 100, hidden 128 per direction, 11 tags, dropout 0.5), with a CRF
vectorised over batch and tags as a careful PyTorch user writes it (loops over time only): shared by bilstm_crf_peer.py
(one process) and ddp_peer.py (DistributedDataParallel)."""
import torch
import torch.nn as nn

VOCAB, EMB, HIDDEN, TAGS = 3000, 100, 128, 11


class CRF(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.trans = nn.Parameter(torch.randn(n, n) * 0.1)
        self.start = nn.Parameter(torch.randn(n) * 0.1)
        self.end = nn.Parameter(torch.randn(n) * 0.1)

    def log_partition(self, e, mask):
        alpha = self.start + e[:, 0]
        for t in range(1, e.size(1)):
            nxt = torch.logsumexp(alpha.unsqueeze(2) + self.trans.unsqueeze(0) + e[:, t].unsqueeze(1), 1)
            alpha = torch.where(mask[:, t].unsqueeze(1), nxt, alpha)
        return torch.logsumexp(alpha + self.end, 1)

    def gold(self, e, tags, mask):
        m = mask.float()
        emit = e.gather(2, tags.unsqueeze(2)).squeeze(2) * m
        trans = self.trans[tags[:, :-1], tags[:, 1:]] * m[:, 1:]
        last = tags.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)
        return self.start[tags[:, 0]] + emit.sum(1) + trans.sum(1) + self.end[last]

    def loss(self, e, tags, mask):
        return (self.log_partition(e, mask) - self.gold(e, tags, mask)).mean()

    def decode(self, e, mask):
        score = self.start + e[:, 0]
        pointers = []
        for t in range(1, e.size(1)):
            best, idx = (score.unsqueeze(2) + self.trans.unsqueeze(0)).max(1)
            score = torch.where(mask[:, t].unsqueeze(1), best + e[:, t], score)
            pointers.append(idx)
        best_score, last = (score + self.end).max(1)
        lengths = mask.sum(1).tolist()
        last = last.tolist()
        back = [p.tolist() for p in pointers]
        paths = []
        for b in range(e.size(0)):
            path = [last[b]]
            for t in range(lengths[b] - 1, 0, -1):
                path.append(back[t - 1][b][path[-1]])
            paths.append(path[::-1])
        return paths


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, EMB, padding_idx=0)
        self.lstm = nn.LSTM(EMB, HIDDEN, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(0.5)
        self.proj = nn.Linear(2 * HIDDEN, TAGS)
        self.crf = CRF(TAGS)

    def emissions(self, x):
        h, _ = self.lstm(self.drop(self.emb(x)))
        return self.proj(self.drop(h))

    def forward(self, x):
        """The emissions (what DistributedDataParallel's wrapper calls; the CRF's loss is taken outside it)."""
        return self.emissions(x)
