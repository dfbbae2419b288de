#include "ts_fused_recurrent.h"
#include "ts_vector_math.h"

#include <torch/csrc/autograd/custom_function.h>

#include <cstring>

namespace ts::recurrent {

__attribute__((target_clones("avx512f", "avx2", "default")))
void sigmoid_inplace(float* __restrict x, int64_t n) {
  for (int64_t k = 0; k < n; ++k) x[k] = 1.f / (1.f + ts_math::exp_approx(-x[k]));
}

std::vector<uint8_t> active_mask(const std::vector<int64_t>& lengths, int64_t T) {
  const int64_t B = static_cast<int64_t>(lengths.size());
  std::vector<uint8_t> active(static_cast<size_t>(T * B));
  for (int64_t t = 0; t < T; ++t)
    for (int64_t b = 0; b < B; ++b) active[t * B + b] = t < lengths[b];
  return active;
}

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// dst[t, b, offset:offset+F] = src[source(t, b), b, :F] for (T, B, ·) contiguous tensors; source reverses within lengths
// when `reverse`, else is t.
void place_rows(const float* src, int64_t src_width, float* dst, int64_t dst_width, int64_t offset, int64_t F, const std::vector<int64_t>& len,
                int64_t T, bool reverse) {
  const int64_t B = static_cast<int64_t>(len.size());
  for (int64_t t = 0; t < T; ++t)
    for (int64_t b = 0; b < B; ++b) {
      int64_t from = reverse ? reversed_step(t, len[b]) : t;
      std::memcpy(dst + (t * B + b) * dst_width + offset, src + (from * B + b) * src_width, F * sizeof(float));
    }
}

// A (T, B, F) copy of x with each sequence reversed within its length: the reversal's forward, and (being its own
// inverse) its backward.
at::Tensor reversed_copy(const at::Tensor& x_in, const std::vector<int64_t>& len) {
  at::Tensor x = x_in.contiguous();
  at::Tensor out = at::empty_like(x);
  place_rows(x.data_ptr<float>(), x.size(2), out.data_ptr<float>(), x.size(2), 0, x.size(2), len, x.size(0), true);
  return out;
}

struct ReverseInLengthFunction : public torch::autograd::Function<ReverseInLengthFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, std::vector<int64_t> len) {
    ctx->saved_data["len"] = len;
    return reversed_copy(x, len);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    std::vector<int64_t> len = ctx->saved_data["len"].toIntVector();
    if (at::GradMode::is_enabled()) return {ReverseInLengthFunction::apply(grads[0], len), at::Tensor()};
    return {reversed_copy(grads[0], len), at::Tensor()};
  }
};

struct BidirectionalOutputFunction : public torch::autograd::Function<BidirectionalOutputFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& f_in, const at::Tensor& b_in, std::vector<int64_t> len) {
    at::Tensor f = f_in.contiguous(), b = b_in.contiguous();
    const int64_t T = f.size(0), H = f.size(2);
    at::Tensor out = at::empty({T, f.size(1), 2 * H}, f.options());
    place_rows(f.data_ptr<float>(), H, out.data_ptr<float>(), 2 * H, 0, H, len, T, false);
    place_rows(b.data_ptr<float>(), H, out.data_ptr<float>(), 2 * H, H, H, len, T, true);
    ctx->saved_data["len"] = len;
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    std::vector<int64_t> len = ctx->saved_data["len"].toIntVector();
    const int64_t H = grads[0].size(2) / 2;
    if (at::GradMode::is_enabled())
      return {grads[0].narrow(2, 0, H), ReverseInLengthFunction::apply(grads[0].narrow(2, H, H), len), at::Tensor()};
    at::Tensor g = grads[0].contiguous();
    const int64_t T = g.size(0);
    at::Tensor df = at::empty({T, g.size(1), H}, g.options()), db = at::empty({T, g.size(1), H}, g.options());
    // Each half's rows out of the (T, B, 2H) gradient; the reversal is its own inverse, so the reverse half is placed
    // with the same reversal.
    const float* gp = g.data_ptr<float>();
    place_rows(gp, 2 * H, df.data_ptr<float>(), H, 0, H, len, T, false);
    place_rows(gp + H, 2 * H, db.data_ptr<float>(), H, 0, H, len, T, true);
    return {df, db, at::Tensor()};
  }
};

}  // namespace

at::Tensor reversed_in_length(const at::Tensor& x, const std::vector<int64_t>& len) { return ReverseInLengthFunction::apply(x, len); }

at::Tensor bidirectional_output(const at::Tensor& out_f, const at::Tensor& out_b_reversed, const std::vector<int64_t>& len) {
  return BidirectionalOutputFunction::apply(out_f, out_b_reversed, len).transpose(0, 1);
}

}  // namespace ts::recurrent
