// LayerNorm(a + b) over the last dimension, for a transformer's residual connections: one pass per row forward (the sum,
// its moments, the normalised and scaled output) and one backward (the row's gradient and its share of the weight and
// bias gradients), on both cores.
//
// The composed form is libtorch's add and layer_norm, each a pass over the (B, L, H) activations on libtorch's single
// thread (the library keeps its pool at one thread: environment.md, threads); with their backward, about 5 % of a
// profiled BERT-small training step (`lab bench bert --profile`). Formulas as libtorch's: biased variance, rstd = 1/√(var + eps),
// y = (s − mean) · rstd · γ + β; ds = rstd · (g − mean(g) − x̂ · mean(g · x̂)) with g = dy · γ, x̂ = (s − mean) · rstd.
#include "ts_api.h"
#include "ts_split_work.h"
#include "ts_vector_math.h"

#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

using ts_math::lane_dot;
using ts_math::lane_sum;

// One row forward: s = a + b (kept for backward), y = LN(s) · γ + β; returns rstd, writes the mean.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
float forward_row(const float* __restrict a, const float* __restrict b, const float* __restrict w, const float* __restrict bias, float* __restrict s,
                  float* __restrict y, int64_t n, float eps, float* mean_out) {
  for (int64_t c = 0; c < n; ++c) s[c] = a[c] + b[c];
  const float mean = lane_sum(s, n) / static_cast<float>(n);
  for (int64_t c = 0; c < n; ++c) y[c] = s[c] - mean;  // centred, reused below
  const float var = lane_dot(y, y, n) / static_cast<float>(n);
  const float rstd = 1.f / std::sqrt(var + eps);
  for (int64_t c = 0; c < n; ++c) y[c] = y[c] * rstd * w[c] + bias[c];
  *mean_out = mean;
  return rstd;
}

// One row backward: ds (= da = db) from dy, and the row's terms of dγ (dy · x̂) and dβ (dy) added to the accumulators
// (double: a float sum over thousands of rows drifts by ~1e-4 from libtorch's, whose order differs).
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
void backward_row(const float* __restrict dy, const float* __restrict s, const float* __restrict w, float mean, float rstd, float* __restrict ds,
                  double* __restrict dw, double* __restrict db, float* __restrict xhat, int64_t n) {
  for (int64_t c = 0; c < n; ++c) {
    xhat[c] = (s[c] - mean) * rstd;
    ds[c] = dy[c] * w[c];  // g
    dw[c] += dy[c] * xhat[c];
    db[c] += dy[c];
  }
  const float inv_n = 1.f / static_cast<float>(n);
  const float mean_g = lane_sum(ds, n) * inv_n;
  const float mean_gx = lane_dot(ds, xhat, n) * inv_n;
  for (int64_t c = 0; c < n; ++c) ds[c] = rstd * (ds[c] - mean_g - xhat[c] * mean_gx);
}

// body(part, first_row, end_row) over `rows` rows cut into parts: two or more (libtorch's threads) for a large tensor, on
// both cores; one otherwise. The parts are fixed by the sizes alone, so their partial sums are added in the same order
// every time.
template <typename Body>
int64_t over_row_parts(int64_t rows, int64_t n, Body body) {
  const int64_t parts = rows * n >= ts::kSplitMinElements && rows >= 2 ? std::max<int64_t>(2, at::get_num_threads()) : 1;
  ts::split_items_across_cores(parts, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) body(p, p * rows / parts, (p + 1) * rows / parts);
  });
  return parts;
}

struct AddLayerNormFunction : public torch::autograd::Function<AddLayerNormFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& a_in, const at::Tensor& b_in, const at::Tensor& w_in, const at::Tensor& bias_in,
                            double eps) {
    at::Tensor a = a_in.contiguous(), b = b_in.contiguous(), w = w_in.contiguous(), bias = bias_in.contiguous();
    const int64_t n = a.size(-1), rows = a.numel() / std::max<int64_t>(n, 1);
    at::Tensor sum = at::empty_like(a), out = at::empty_like(a);
    at::Tensor mean = at::empty({rows}, a.options()), rstd = at::empty({rows}, a.options());
    const float *as = a.data_ptr<float>(), *bs = b.data_ptr<float>(), *ws = w.data_ptr<float>(), *biases = bias.data_ptr<float>();
    float *ss = sum.data_ptr<float>(), *ys = out.data_ptr<float>(), *ms = mean.data_ptr<float>(), *rs = rstd.data_ptr<float>();
    const float e = static_cast<float>(eps);
    over_row_parts(rows, n, [&](int64_t, int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) rs[r] = forward_row(as + r * n, bs + r * n, ws, biases, ss + r * n, ys + r * n, n, e, ms + r);
    });
    ctx->save_for_backward({sum, w, mean, rstd});
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor &sum = saved[0], &w = saved[1], &mean = saved[2], &rstd = saved[3];
    TORCH_CHECK(!at::GradMode::is_enabled(),
                "add + layer norm has no recorded backward (create_graph): turn backends.fused.LayerNorm off for higher derivatives");
    at::Tensor dy = grads[0].contiguous();
    const int64_t n = sum.size(-1), rows = sum.numel() / std::max<int64_t>(n, 1);
    at::Tensor ds = at::empty_like(sum);
    const float *dys = dy.data_ptr<float>(), *ss = sum.data_ptr<float>(), *ws = w.data_ptr<float>(), *ms = mean.data_ptr<float>(), *rs = rstd.data_ptr<float>();
    float* dss = ds.data_ptr<float>();
    // Each part of the rows sums its own weight and bias gradients; the parts are added in order at the end.
    const int64_t max_parts = std::max<int64_t>(2, at::get_num_threads());
    std::vector<double> partial(static_cast<size_t>(max_parts * 2 * n), 0.0);
    const int64_t parts = over_row_parts(rows, n, [&](int64_t part, int64_t begin, int64_t end) {
      double* acc = partial.data() + part * 2 * n;
      std::vector<float> xhat(static_cast<size_t>(n));
      for (int64_t r = begin; r < end; ++r)
        backward_row(dys + r * n, ss + r * n, ws, ms[r], rs[r], dss + r * n, acc, acc + n, xhat.data(), n);
    });
    at::Tensor dw = at::empty_like(w), dbias = at::empty_like(w);
    float *dws = dw.data_ptr<float>(), *dbs = dbias.data_ptr<float>();
    for (int64_t c = 0; c < n; ++c) {
      double gw = 0, gb = 0;
      for (int64_t part = 0; part < parts; ++part) {
        gw += partial[part * 2 * n + c];
        gb += partial[part * 2 * n + n + c];
      }
      dws[c] = static_cast<float>(gw);
      dbs[c] = static_cast<float>(gb);
    }
    return {ds, ds, dw, dbias, at::Tensor()};
  }
};

}  // namespace

// LayerNorm(a + b) over the last dimension with weight w and bias (both of that size): CPU float32 a and b of one shape
// outside an autocast region take the one-pass kernel; anything else libtorch's add and layer_norm.
TS_EXPORT TSTensor TS_NN_add_layer_norm(TSTensor a, TSTensor b, TSTensor w, TSTensor bias, double eps) {
  try {
    const bool fits = w && bias && ts_cpu_float(*a) && ts_cpu_float(*b) && ts_cpu_float(*w) && ts_cpu_float(*bias) && !ts_cpu_autocast_active() && a->dim() >= 1 &&
                      a->sizes() == b->sizes() && w->dim() == 1 && bias->dim() == 1 && w->size(0) == a->size(-1) && bias->size(0) == a->size(-1);
    if (!fits) {
      at::Tensor s = *a + *b;
      return ts_new(at::layer_norm(s, {s.size(-1)}, ts_opt(w), ts_opt(bias), eps));
    }
    return ts_new(AddLayerNormFunction::apply(*a, *b, *w, *bias, eps));
  }
  TS_CATCH(return nullptr)
}
