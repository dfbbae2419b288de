"""Timing shared by the PyTorch peers, the same procedure as the C# side (Cli/Bench/Throughput.cs): two warm-up
calls, then the best of three rounds of SECONDS/3 each (at least two calls per round).

With LAB_PEER_SERVE=1 in its environment a peer does not time its cases once and exit: it serves single rounds
(`serve`), so that the C# side can alternate its own rounds with the peer's (Cli/Bench/PairedRounds.cs)."""
import json
import os
import sys
import time


def per_second(fn, units, seconds):
    """Units per second over one round of at least `seconds` (and two calls)."""
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds or n < 2:
        fn()
        n += 1
    return n * units / (time.perf_counter() - start)


def best_per_second(fn, units, seconds):
    fn()
    fn()
    return max(per_second(fn, units, seconds / 3) for _ in range(3))


def serving():
    """Whether the caller asked for single rounds on request (LAB_PEER_SERVE=1) instead of one timed report."""
    return os.environ.get("LAB_PEER_SERVE") == "1"


def serve(rounds):
    """Answers requests on stdin until it closes. `rounds` maps a case name to f(seconds) -> value of one round.
    Prints {"ready": [cases]} first; then each request line "CASE SECONDS" gets one line {"value": v}, or
    {"error": "..."} for a request it cannot answer. Each case gets two warm-up rounds of 0 seconds before its first."""
    print(json.dumps({"ready": sorted(rounds)}), flush=True)
    warm = set()
    for line in sys.stdin:
        parts = line.split()
        if len(parts) != 2 or parts[0] not in rounds:
            print(json.dumps({"error": f"expected 'CASE SECONDS' with CASE one of {sorted(rounds)}, got {line.strip()!r}"}), flush=True)
            continue
        case, seconds = parts[0], float(parts[1])
        if case not in warm:
            rounds[case](0.0)
            rounds[case](0.0)
            warm.add(case)
        print(json.dumps({"value": rounds[case](seconds)}), flush=True)
