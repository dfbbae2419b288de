#include "ts_small_pointwise.h"

#include <ATen/EmptyTensor.h>
#include <atomic>

namespace {
std::atomic<bool> enabled{true};

bool plain(const at::Tensor& t) {
  return t.defined() && t.device().type() == at::kCPU && t.layout() == at::kStrided && t.scalar_type() == at::kFloat &&
         t.is_contiguous() && !t.has_names();
}

// Forward-mode AD tangents ride on the tensor; ATen propagates them, this path would drop them.
bool has_tangent(const at::Tensor& t) { return t._fw_grad(/*level=*/0).defined(); }

template <typename Op>
void apply(float* __restrict out, const float* __restrict x, const float* __restrict y, int64_t n, Op op) {
  for (int64_t k = 0; k < n; ++k) out[k] = op(x[k], y[k]);
}
}  // namespace

bool ts_small_pointwise_applies(const at::Tensor& a, const at::Tensor& b) {
  if (!enabled.load(std::memory_order_relaxed)) return false;
  if (!plain(a) || !plain(b) || a.numel() > kSmallPointwiseNumel || !a.sizes().equals(b.sizes())) return false;
  if (at::GradMode::is_enabled() && (a.requires_grad() || b.requires_grad())) return false;
  return !has_tangent(a) && !has_tangent(b);
}

at::Tensor ts_small_pointwise(TsSmallOp op, const at::Tensor& a, const at::Tensor& b) {
  // The allocation ATen's CPU kernel for empty makes, without a second trip through the dispatcher.
  at::Tensor out = at::detail::empty_cpu(a.sizes(), at::kFloat);
  float* o = out.data_ptr<float>();
  const float* x = a.data_ptr<float>();
  const float* y = b.data_ptr<float>();
  int64_t n = a.numel();
  switch (op) {
    case TsSmallOp::Add: apply(o, x, y, n, [](float p, float q) { return p + q; }); break;
    case TsSmallOp::Sub: apply(o, x, y, n, [](float p, float q) { return p - q; }); break;
    case TsSmallOp::Mul: apply(o, x, y, n, [](float p, float q) { return p * q; }); break;
    case TsSmallOp::Div: apply(o, x, y, n, [](float p, float q) { return p / q; }); break;
  }
  return out;
}

// 1 to take the short path where it applies (the default), 0 for ATen everywhere (tests compare the two).
TS_EXPORT void TS_set_small_pointwise(int32_t on) { enabled.store(on != 0, std::memory_order_relaxed); }
TS_EXPORT int32_t TS_small_pointwise() { return enabled.load(std::memory_order_relaxed) ? 1 : 0; }
