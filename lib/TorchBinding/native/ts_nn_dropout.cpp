// Dropout for CPU float32 and bfloat16 (CPU autocast) with a counter-based mask: one vectorised pass that hashes each element's
// index with a key drawn from libtorch's generator (so manual_seed and the saved RNG state still
// make it reproducible), instead of libtorch's per-element Bernoulli sampling, which costs ~10 ms
// per million elements and dominated a BiLSTM-CRF step. The mask is kept as bytes for backward.
#include "ts_api.h"
#include "ts_dropout_mask.h"
#include "ts_split_work.h"

#include <torch/csrc/autograd/custom_function.h>

namespace ts_dropout {

__attribute__((target_clones("avx2", "default")))
void drop(const float* __restrict x, float* __restrict out, uint8_t* __restrict keep, int64_t first, int64_t n, uint32_t key, uint32_t threshold,
          float scale) {
  for (int64_t i = 0; i < n; ++i) {
    uint8_t k = kept(first + i, key, threshold);
    keep[i] = k;
    out[i] = k ? x[i] * scale : 0.f;
  }
}

__attribute__((target_clones("avx2", "default")))
void undrop(const float* __restrict g, const uint8_t* __restrict keep, float* __restrict out, int64_t n, float scale) {
  for (int64_t i = 0; i < n; ++i) out[i] = keep[i] ? g[i] * scale : 0.f;
}

}  // namespace ts_dropout

namespace {

using ts_dropout::kept;

// bfloat16 (the activations of a CPU autocast region): the same mask for the same key; the product is taken in float
// and rounded once, as libtorch's bfloat16 multiply does.
void dropout_forward(const c10::BFloat16* x, c10::BFloat16* out, uint8_t* mask, int64_t n, uint32_t key, uint32_t threshold, float scale) {
  for (int64_t i = 0; i < n; ++i) {
    uint8_t keep = kept(i, key, threshold);
    mask[i] = keep;
    out[i] = keep ? c10::BFloat16(static_cast<float>(x[i]) * scale) : c10::BFloat16(0.f);
  }
}

void dropout_backward(const c10::BFloat16* g, const uint8_t* mask, c10::BFloat16* out, int64_t n, float scale) {
  for (int64_t i = 0; i < n; ++i) out[i] = mask[i] ? c10::BFloat16(static_cast<float>(g[i]) * scale) : c10::BFloat16(0.f);
}

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct FastDropoutFunction : public torch::autograd::Function<FastDropoutFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, double p) {
    at::Tensor in = x.contiguous();
    at::Tensor out = at::empty_like(in);
    at::Tensor mask = at::empty(in.sizes(), in.options().dtype(at::kByte));
    uint32_t key = ts_dropout::draw_key();
    const int64_t n = in.numel();
    TORCH_CHECK(n < (int64_t{1} << 32), "dropout: tensors of 2^32 elements or more are not supported by the fast kernel");
    uint32_t threshold = ts_dropout::keep_threshold(p);
    float scale = static_cast<float>(1.0 / (1.0 - p));
    if (in.scalar_type() == at::kBFloat16)
      dropout_forward(in.data_ptr<c10::BFloat16>(), out.data_ptr<c10::BFloat16>(), mask.data_ptr<uint8_t>(), n, key, threshold, scale);
    else {
      // Each element's mask hashes its own index, so the halves give what one pass gives (bfloat16 stays one pass).
      const float* xs = in.data_ptr<float>();
      float* ys = out.data_ptr<float>();
      uint8_t* ms = mask.data_ptr<uint8_t>();
      ts::split_across_cores(n, [&](int64_t b, int64_t e) { ts_dropout::drop(xs + b, ys + b, ms + b, b, e - b, key, threshold, scale); });
    }
    ctx->save_for_backward({mask});
    ctx->saved_data["scale"] = static_cast<double>(scale);
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    at::Tensor mask = ctx->get_saved_variables()[0];
    float scale = static_cast<float>(ctx->saved_data["scale"].toDouble());
    at::Tensor g = grads[0].contiguous();
    at::Tensor dx = at::empty_like(g);
    if (g.scalar_type() == at::kBFloat16)
      dropout_backward(g.data_ptr<c10::BFloat16>(), mask.data_ptr<uint8_t>(), dx.data_ptr<c10::BFloat16>(), g.numel(), scale);
    else {
      const float* gs = g.data_ptr<float>();
      const uint8_t* ms = mask.data_ptr<uint8_t>();
      float* dxs = dx.data_ptr<float>();
      ts::split_across_cores(g.numel(), [&](int64_t b, int64_t e) { ts_dropout::undrop(gs + b, ms + b, dxs + b, e - b, scale); });
    }
    return {dx, at::Tensor()};
  }
};

}  // namespace

// Training-mode dropout with probability p in (0, 1) on a CPU float32 or bfloat16 tensor.
TS_EXPORT TSTensor TS_NN_dropout_fast(TSTensor x, double p) {
  try {
    TORCH_CHECK(x->device().is_cpu() && (x->scalar_type() == at::kFloat || x->scalar_type() == at::kBFloat16),
                "fast dropout: CPU float32 or bfloat16 only");
    TORCH_CHECK(p > 0 && p < 1, "fast dropout: p must be in (0, 1), got ", p);
    return ts_new(FastDropoutFunction::apply(*x, p));
  }
  TS_CATCH(return nullptr)
}
