"""PyTorch peer for `lab bench overhead`: nanoseconds per 4 x 4 float add, timed as the C# side times it.

Usage: python3 overhead_peer.py TORCH_THREADS ITERATIONS ROUNDS
Prints one JSON object {"add_4x4_ns": ...}: the best of ROUNDS rounds of ITERATIONS adds (after one warm-up round)."""
import json
import sys
import time

import torch

torch.set_num_threads(int(sys.argv[1]))
iterations, rounds = int(sys.argv[2]), int(sys.argv[3])
a, b = torch.randn(4, 4), torch.randn(4, 4)


def round_ns():
    start = time.perf_counter()
    for _ in range(iterations):
        a + b
    return (time.perf_counter() - start) / iterations * 1e9


round_ns()
print(json.dumps({"add_4x4_ns": min(round_ns() for _ in range(rounds))}))
