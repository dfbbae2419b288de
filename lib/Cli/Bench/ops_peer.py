"""PyTorch peer for `lab bench ops` / `lab bench threads`: times the same cases as the C# side.

Usage: python3 ops_peer.py TORCH_THREADS   (OPENBLAS_NUM_THREADS is set by the caller's environment)
Prints one JSON object {case: microseconds per iteration}."""
import json
import sys
import time

import torch

torch.set_num_threads(int(sys.argv[1]))
torch.manual_seed(0)


def timeit(fn, seconds=1.0, min_iters=5):
    fn()
    fn()
    iters, start = 0, time.perf_counter()
    while True:
        fn()
        iters += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and iters >= min_iters:
            return elapsed / iters * 1e6


a, b = torch.randn(4, 4), torch.randn(4, 4)
m1, m2 = torch.randn(1024, 1024), torch.randn(1024, 1024)
lstm = torch.nn.LSTM(100, 128, batch_first=True, bidirectional=True)
x = torch.randn(32, 100, 100)


def lstm_step():
    out, _ = lstm(x)
    out.sum().backward()


results = {
    "add_4x4": timeit(lambda: a + b),
    "matmul_1024": timeit(lambda: m1 @ m2, seconds=2.0),
    "lstm_fwd_bwd_32x100": timeit(lstm_step, seconds=3.0),
}
print(json.dumps(results))
