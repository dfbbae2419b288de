// Element-wise kernels of our own over large tensors, on both cores. The library runs libtorch's pool on one thread
// (environment.md: with OpenBLAS on every core, a second spinning pool slowed BiLSTM steps 5x), which leaves a core idle
// during each of these streaming passes. For a large range, a short-lived thread takes the second half: it does not
// outlive the call, so nothing is left spinning against the next matrix product. When libtorch's pool has two threads
// or more, its own parallel_for is used instead. Element-wise work gives the same floats however it is split.
#pragma once

#include <ATen/Parallel.h>

#include <cstdint>
#include <exception>
#include <thread>

namespace ts {

// Below this many elements a second thread costs more (~30-50 µs to start and join) than the half it would take.
constexpr int64_t kSplitMinElements = int64_t{1} << 19;

// Runs `first` here and `second` on a short-lived thread of its own, joined before returning; an exception from either
// comes back to the caller.
template <typename F1, typename F2>
void on_two_threads(F1 first, F2 second) {
  std::exception_ptr error;
  std::thread worker([&] {
    try {
      second();
    } catch (...) {
      error = std::current_exception();
    }
  });
  try {
    first();
  } catch (...) {
    worker.join();
    throw;
  }
  worker.join();
  if (error) std::rethrow_exception(error);
}

// body(begin, end) over [0, n): libtorch's parallel_for (chunks of at least `grain`) when its pool has two threads or
// more; otherwise in two halves on two threads when n reaches `min_split` and the machine has the cores, the split point
// a multiple of `align`; else one call.
template <typename Body>
void split_range(int64_t n, int64_t grain, int64_t min_split, int64_t align, Body body) {
  if (at::get_num_threads() >= 2) {
    at::parallel_for(0, n, grain, [&](int64_t begin, int64_t end) { body(begin, end); });
    return;
  }
  if (n < min_split || at::in_parallel_region() || std::thread::hardware_concurrency() < 2) {
    body(0, n);
    return;
  }
  const int64_t mid = (n / 2) / align * align;
  on_two_threads([&] { body(0, mid); }, [&] { body(mid, n); });
}

// Element-wise work over a large range; `align` keeps the split point a multiple of a vector width (so each half starts
// aligned as the whole did).
template <typename Body>
void split_across_cores(int64_t n, Body body, int64_t align = 64) {
  split_range(n, 32768, kSplitMinElements, align, body);
}

// Items that are each substantial work (an attention head of one sequence: ~1 MFLOP or more): split from two items on.
template <typename Body>
void split_items_across_cores(int64_t n, Body body) {
  split_range(n, 1, 2, 1, body);
}

}  // namespace ts
