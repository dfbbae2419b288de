"""Timing shared by the PyTorch peers, the same procedure as the C# side (Cli/Bench/Throughput.cs): two warm-up
calls, then the best of three rounds of SECONDS/3 each (at least two calls per round)."""
import time


def best_per_second(fn, units, seconds):
    fn()
    fn()
    best = 0.0
    for _ in range(3):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / 3 or n < 2:
            fn()
            n += 1
        best = max(best, n * units / (time.perf_counter() - start))
    return best
