// GELU (the exact, erf form) for contiguous CPU float32, forward and backward, as one vectorised loop each. libtorch
// 1.13's own kernels call a non-inlined vector exp per block and ran at 4-10 ns per element here: GELU and its
// gradient were the largest cost of a BERT-small training step after the matrix products (`lab bench bert --profile`).
// The formulas are ATen's (erf by Abramowitz & Stegun 7.1.26 with exp(-z^2); the gradient dy * (cdf + x * pdf)),
// with the exponential below, so results equal libtorch's to float rounding.
#include "ts_api.h"
#include "ts_split_work.h"
#include "ts_vector_math.h"

#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <vector>

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

// GELU(x) and its derivative cdf(x) + x · pdf(x), inlined into every loop below.
inline float gelu_of(float x) { return x * 0.5f * (1.f + erf_approx(x * kSqrtHalf)); }

inline float gelu_slope(float x) {
  float cdf = 0.5f * (1.f + erf_approx(x * kSqrtHalf));
  float pdf = kInvSqrt2Pi * ts_math::exp_approx(x * x * -0.5f);
  return cdf + x * pdf;
}

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
void gelu_forward(const float* __restrict x, float* __restrict y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = gelu_of(x[i]);
}

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
void gelu_backward(const float* __restrict dy, const float* __restrict x, float* __restrict dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dx[i] = dy[i] * gelu_slope(x[i]);
}

// The same two loops with a bias added to each row of n columns on the way in: GELU(h + b) and its gradient at h + b, for
// a linear layer whose product was taken without its bias (below).
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
void gelu_bias_forward(const float* __restrict h, const float* __restrict b, float* __restrict y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = gelu_of(h[i] + b[i]);
}

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
void gelu_bias_backward(const float* __restrict dy, const float* __restrict h, const float* __restrict b, float* __restrict dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dx[i] = dy[i] * gelu_slope(h[i] + b[i]);
}

// body(first, count, column) over the elements [begin, end) of a row-major matrix of `cols` columns, one call per
// (piece of a) row: the ranges the split hands out need not start at a row.
template <typename Body>
void by_rows(int64_t begin, int64_t end, int64_t cols, Body body) {
  while (begin < end) {
    int64_t column = begin % cols;
    int64_t count = std::min(cols - column, end - begin);
    body(begin, count, column);
    begin += count;
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

// GELU(x Wᵀ + b) with the bias added inside the GELU pass. at::addmm would first copy the bias into every row of its
// output and let the BLAS add the product to it: a full write of the (rows x out) result before the product writes it
// again (4-5 % of a BERT-small training step, `lab bench bert --profile`). The product here is at::mm; the bias goes
// in with the activation, and backward takes GELU's gradient at h + b in one pass, then the three products of a linear
// layer's backward. h (the product without bias) is kept for backward instead of h + b: no second full write.
struct FastLinearGeluFunction : public torch::autograd::Function<FastLinearGeluFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias) {
    at::Tensor flat = x.reshape({-1, x.size(-1)});
    at::Tensor h = at::mm(flat, w.t());
    at::Tensor b = bias.contiguous();
    at::Tensor out = at::empty_like(h);
    const int64_t cols = h.size(1);
    const float* hs = h.data_ptr<float>();
    const float* bs = b.data_ptr<float>();
    float* ys = out.data_ptr<float>();
    ts::split_across_cores(h.numel(), [&](int64_t begin, int64_t end) {
      by_rows(begin, end, cols, [&](int64_t first, int64_t count, int64_t column) { gelu_bias_forward(hs + first, bs + column, ys + first, count); });
    });
    ctx->save_for_backward({x, w, b, h});
    std::vector<int64_t> sizes = x.sizes().vec();
    sizes.back() = cols;
    return out.view(sizes);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor &x = saved[0], &w = saved[1], &b = saved[2], &h = saved[3];
    at::Tensor flat = x.reshape({-1, x.size(-1)});
    at::Tensor dz;  // the gradient at the activation's input, then the three products of a linear layer's backward
    if (at::GradMode::is_enabled()) {  // a recorded backward: differentiable operators throughout
      dz = at::gelu_backward(grads[0].reshape(h.sizes()), at::addmm(b, flat, w.t()));
    } else {
      at::Tensor dy = grads[0].reshape(h.sizes()).contiguous();
      dz = at::empty_like(h);
      const int64_t cols = h.size(1);
      const float* dys = dy.data_ptr<float>();
      const float* hs = h.data_ptr<float>();
      const float* bs = b.data_ptr<float>();
      float* dzs = dz.data_ptr<float>();
      ts::split_across_cores(h.numel(), [&](int64_t begin, int64_t end) {
        by_rows(begin, end, cols, [&](int64_t first, int64_t count, int64_t column) {
          gelu_bias_backward(dys + first, hs + first, bs + column, dzs + first, count);
        });
      });
    }
    return {at::mm(dz, w).view(x.sizes()), at::mm(dz.t(), flat), dz.sum(0)};
  }
};

}  // namespace

// GELU(x Wᵀ + b) for CPU float32 x (*, in), W (out, in), b (out) with the bias added in the activation's pass; anything
// else (another device or dtype, no bias, a CPU autocast region) takes libtorch's linear and gelu.
TS_EXPORT TSTensor TS_NN_linear_gelu(TSTensor x, TSTensor w, TSTensor b) {
  try {
    if (!b || !ts_cpu_float(*x) || !ts_cpu_float(*w) || !ts_cpu_float(*b) || ts_cpu_autocast_active() || x->dim() < 1 || w->dim() != 2 || b->dim() != 1)
      return ts_new(at::gelu(at::linear(*x, *w, ts_opt(b))));
    TORCH_CHECK(x->size(-1) == w->size(1) && b->size(0) == w->size(0), "linear: input [", x->sizes(), "], weight [", w->sizes(), "] and bias [",
                b->sizes(), "] do not fit (input's last size = weight's columns, bias = weight's rows)");
    return ts_new(FastLinearGeluFunction::apply(*x, *w, *b));
  }
  TS_CATCH(return nullptr)
}

// Exact GELU of a CPU float32 tensor with the binding's kernels (any other tensor: libtorch's gelu).
TS_EXPORT TSTensor TS_NN_gelu_fast(TSTensor x) {
  try {
    if (!ts_cpu_float(*x)) return ts_new(at::gelu(*x));
    return ts_new(FastGeluFunction::apply(*x));
  }
  TS_CATCH(return nullptr)
}
