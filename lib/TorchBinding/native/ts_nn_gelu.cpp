// GELU (the exact, erf form) for contiguous CPU float32, forward and backward, as one vectorised loop each. libtorch
// 1.13's own kernels call a non-inlined vector exp per block and ran at 4-10 ns per element here: GELU and its
// gradient were the largest cost of a BERT-small training step after the matrix products (`lab bench bert --profile`).
// The formulas are ATen's (erf by Abramowitz & Stegun 7.1.26 with exp(-z^2); the gradient dy * (cdf + x * pdf)),
// with the exponential below, so results equal libtorch's to float rounding.
#include "ts_api.h"
#include "ts_split_work.h"
#include "ts_vector_math.h"

#include <torch/csrc/autograd/custom_function.h>

namespace {

// erf(z) = sign(z) (1 - t r(t) e^(-z^2)), t = 1 / (1 + 0.3275911 |z|) (Abramowitz & Stegun 7.1.26, as ATen's vector erf).
inline float erf_approx(float z) {
  float a = z < 0.f ? -z : z;
  float t = 1.f / (1.f + 0.3275911f * a);
  float r = 1.061405429f * t - 1.453152027f;
  r = r * t + 1.421413741f;
  r = r * t - 0.284496736f;
  r = r * t + 0.254829592f;
  float e = 1.f - r * t * ts_math::exp_approx(-(z * z));
  return z < 0.f ? -e : e;
}

constexpr float kSqrtHalf = 0.70710678118654752f;
constexpr float kInvSqrt2Pi = 0.39894228040143268f;

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
void gelu_forward(const float* __restrict x, float* __restrict y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] * 0.5f * (1.f + erf_approx(x[i] * kSqrtHalf));
}

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
void gelu_backward(const float* __restrict dy, const float* __restrict x, float* __restrict dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    float cdf = 0.5f * (1.f + erf_approx(x[i] * kSqrtHalf));
    float pdf = kInvSqrt2Pi * ts_math::exp_approx(x[i] * x[i] * -0.5f);
    dx[i] = dy[i] * (cdf + x[i] * pdf);
  }
}

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct FastGeluFunction : public torch::autograd::Function<FastGeluFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x) {
    at::Tensor in = x.contiguous();
    at::Tensor out = at::empty_like(in);
    const float* xs = in.data_ptr<float>();
    float* ys = out.data_ptr<float>();
    ts::split_across_cores(in.numel(), [&](int64_t b, int64_t e) { gelu_forward(xs + b, ys + b, e - b); });
    ctx->save_for_backward({in});
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    at::Tensor x = ctx->get_saved_variables()[0];
    // A backward that is itself recorded (create_graph) needs a differentiable gradient: libtorch's.
    if (at::GradMode::is_enabled()) return {at::gelu_backward(grads[0], x)};
    at::Tensor dy = grads[0].contiguous();
    at::Tensor dx = at::empty_like(x);
    const float* dys = dy.data_ptr<float>();
    const float* xs = x.data_ptr<float>();
    float* dxs = dx.data_ptr<float>();
    ts::split_across_cores(x.numel(), [&](int64_t b, int64_t e) { gelu_backward(dys + b, xs + b, dxs + b, e - b); });
    return {dx};
  }
};

}  // namespace

// Exact GELU of a CPU float32 tensor with the binding's kernels (any other tensor: libtorch's gelu).
TS_EXPORT TSTensor TS_NN_gelu_fast(TSTensor x) {
  try {
    if (!x->device().is_cpu() || x->scalar_type() != at::kFloat || x->layout() != at::kStrided) return ts_new(at::gelu(*x));
    return ts_new(FastGeluFunction::apply(*x));
  }
  TS_CATCH(return nullptr)
}
