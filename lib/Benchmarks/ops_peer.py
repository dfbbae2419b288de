"""PyTorch peer for `lab bench ops` / `lab bench threads`: times the same cases as the C# side.

Usage: python3 ops_peer.py TORCH_THREADS   (OPENBLAS_NUM_THREADS is set by the caller's environment)
Prints one JSON object {case: microseconds per iteration}; with LAB_PEER_SERVE=1, serves single rounds of a case instead
(peer_timing.serve)."""
import json
import sys
import time

import torch

from peer_timing import serve, serving

torch.set_num_threads(int(sys.argv[1]))
torch.manual_seed(0)


def timeit(fn, seconds=1.0, min_iters=5, rounds=3):
    """Microseconds per call: the best of `rounds` rounds of at least seconds/rounds each (the machine is noisy)."""
    fn()
    fn()
    best = float("inf")
    for _ in range(rounds):
        iters, start = 0, time.perf_counter()
        while True:
            fn()
            iters += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds / rounds and iters >= min_iters:
                break
        best = min(best, elapsed / iters * 1e6)
    return best


a, b = torch.randn(4, 4), torch.randn(4, 4)
m1, m2 = torch.randn(1024, 1024), torch.randn(1024, 1024)
lstm = torch.nn.LSTM(100, 128, batch_first=True, bidirectional=True)
x = torch.randn(32, 100, 100)


def lstm_step():
    out, _ = lstm(x)
    out.sum().backward()
    lstm.zero_grad(set_to_none=True)  # as the C# side: gradients are freed each step


# Each case with the seconds the one-shot report spends on it (three rounds).
cases = {
    "add_4x4": (lambda: a + b, 1.0),
    "matmul_1024": (lambda: m1 @ m2, 2.0),
    "lstm_fwd_bwd_32x100": (lstm_step, 3.0),
}
if serving():
    serve({name: (lambda seconds, fn=fn: timeit(fn, seconds, rounds=1)) for name, (fn, _) in cases.items()})
else:
    print(json.dumps({name: timeit(fn, seconds=seconds) for name, (fn, seconds) in cases.items()}))
