// Probes for the per-op overhead of the binding (`lab bench overhead`): each times one piece of the path a small
// op takes (C# -> P/Invoke -> shim -> ATen dispatcher -> TensorIterator -> allocation) inside a native loop, so the
// C# side can subtract what it measures itself and say which piece costs most. Nothing here is used by models.
#include <chrono>
#include <stdexcept>

#include "ts_api.h"
#include "ts_small_pointwise.h"

namespace {
template <typename Body>
double ns_per_iteration(int64_t iterations, Body body) {
  auto start = std::chrono::steady_clock::now();
  for (int64_t k = 0; k < iterations; ++k) body();
  auto elapsed = std::chrono::steady_clock::now() - start;
  return std::chrono::duration<double, std::nano>(elapsed).count() / static_cast<double>(iterations);
}
}  // namespace

// An export that does nothing: the P/Invoke transition alone.
TS_EXPORT void TS_overhead_noop() {}

// Takes two handles and does nothing with them: the transition plus the marshalling of two SafeHandles.
TS_EXPORT void TS_overhead_touch(TSTensor a, TSTensor b) {}

// The same export declared with raw pointers on the C# side: the transition without SafeHandle marshalling.
TS_EXPORT void TS_overhead_touch_raw(TSTensor a, TSTensor b) {}

// A second at::Tensor on the heap for an existing tensor and its release (refcount up and down, new and delete):
// what every returned handle costs natively.
TS_EXPORT double TS_overhead_native_handle(TSTensor a, int64_t iterations) {
  try {
    return ns_per_iteration(iterations, [&] { delete new at::Tensor(*a); });
  }
  TS_CATCH(return -1)
}

// at::add with a new result: dispatcher, autograd and TensorIterator setup, allocation and the kernel.
TS_EXPORT double TS_overhead_aten_add(TSTensor a, TSTensor b, int64_t iterations) {
  try {
    return ns_per_iteration(iterations, [&] { at::Tensor t = at::add(*a, *b); });
  }
  TS_CATCH(return -1)
}

// at::add_out into a kept result: the same without the allocation.
TS_EXPORT double TS_overhead_aten_add_out(TSTensor out, TSTensor a, TSTensor b, int64_t iterations) {
  try {
    return ns_per_iteration(iterations, [&] { at::add_out(*out, *a, *b); });
  }
  TS_CATCH(return -1)
}

// The short path for small float ops (ts_small_pointwise.h): its checks, the allocation and the 16-element loop.
TS_EXPORT double TS_overhead_small_add(TSTensor a, TSTensor b, int64_t iterations) {
  try {
    if (!ts_small_pointwise_applies(*a, *b)) throw std::invalid_argument("the short path does not apply to these operands");
    return ns_per_iteration(iterations, [&] { at::Tensor t = ts_small_pointwise(TsSmallOp::Add, *a, *b); });
  }
  TS_CATCH(return -1)
}
