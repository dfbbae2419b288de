// Adam/AdamW update for CPU float32 parameters in one pass per tensor.
//
// PyTorch's single-tensor Adam (the CPU default in 1.13) runs seven element-wise kernels per parameter
// (decay, two moment updates, sqrt, divide, add eps, addcdiv), each a full read/write sweep; for BERT's
// 21,128 x 256 word embedding, whose dense gradient Adam must visit every step, those sweeps are memory
// bound. This loop reads param, grad and both moments once and writes them once, with the same float32
// arithmetic in the same order (results agree with torch.optim.Adam/AdamW to rounding).
#include "ts_api.h"
#include "ts_split_work.h"


#include <cmath>

namespace {

struct AdamStep {
  float decay;        // AdamW: param *= decay (1 - lr * weight_decay); 1 when not decoupled
  float l2;           // Adam: grad += l2 * param (weight_decay); 0 when decoupled
  float beta1, one_minus_beta1, beta2, one_minus_beta2;
  float bias_correction2_sqrt, eps, step_size;
};

__attribute__((target_clones("avx2", "default")))
void adam_update(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v, int64_t begin, int64_t end,
                 AdamStep s) {
  for (int64_t i = begin; i < end; ++i) {
    float pi = p[i] * s.decay;
    float gi = g[i] + s.l2 * pi;
    float mi = m[i] * s.beta1 + s.one_minus_beta1 * gi;
    float vi = v[i] * s.beta2 + s.one_minus_beta2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = pi - s.step_size * (mi / (std::sqrt(vi) / s.bias_correction2_sqrt + s.eps));
  }
}

bool fusable(const at::Tensor& t) { return t.defined() && t.device().is_cpu() && t.scalar_type() == at::kFloat && t.is_contiguous(); }

// Param, grad and both moments: all fusable and of one size.
bool fusable(const at::Tensor& p, const at::Tensor& g, const at::Tensor& m, const at::Tensor& v) {
  return fusable(p) && fusable(g) && fusable(m) && fusable(v) && g.numel() == p.numel() && m.numel() == p.numel() && v.numel() == p.numel();
}

}  // namespace

// 1 when param, grad and both moment tensors can take the fused step (CPU, float32, contiguous, same size).
TS_EXPORT int32_t TS_Optim_adam_fusable(TSTensor param, TSTensor grad, TSTensor exp_avg, TSTensor exp_avg_sq) {
  try {
    return fusable(*param, *grad, *exp_avg, *exp_avg_sq) ? 1 : 0;
  }
  TS_CATCH(return -1)
}

// One Adam step of n parameters in place. decoupled != 0 is AdamW (param *= 1 - lr * weight_decay before the
// update); otherwise weight_decay is L2 added to the gradient. bias_correction{1,2} = 1 - beta^step.
TS_EXPORT int32_t TS_Optim_adam_step(const TSTensor* params, const TSTensor* grads, const TSTensor* exp_avgs, const TSTensor* exp_avg_sqs,
                                     int32_t n, double lr, double beta1, double beta2, double eps, double weight_decay, int32_t decoupled,
                                     double bias_correction1, double bias_correction2) {
  TS_STATUS({
    AdamStep s;
    s.decay = decoupled ? static_cast<float>(1.0 - lr * weight_decay) : 1.f;
    s.l2 = decoupled ? 0.f : static_cast<float>(weight_decay);
    s.beta1 = static_cast<float>(beta1);
    s.one_minus_beta1 = static_cast<float>(1.0 - beta1);
    s.beta2 = static_cast<float>(beta2);
    s.one_minus_beta2 = static_cast<float>(1.0 - beta2);
    s.bias_correction2_sqrt = static_cast<float>(std::sqrt(bias_correction2));
    s.eps = static_cast<float>(eps);
    s.step_size = static_cast<float>(lr / bias_correction1);
    for (int32_t k = 0; k < n; ++k) {
      const at::Tensor& p = *params[k];
      const at::Tensor& g = *grads[k];
      const at::Tensor& m = *exp_avgs[k];
      const at::Tensor& v = *exp_avg_sqs[k];
      TORCH_CHECK(fusable(p, g, m, v), "fused Adam step: parameter ", k, " and its gradient and state must be contiguous CPU float32 tensors of one size");
      float* pp = p.data_ptr<float>();
      const float* gp = g.data_ptr<float>();
      float* mp = m.data_ptr<float>();
      float* vp = v.data_ptr<float>();
      ts::split_across_cores(p.numel(), [&](int64_t begin, int64_t end) { adam_update(pp, gp, mp, vp, begin, end, s); });
      // Written through raw pointers, so count the in-place change as libtorch's own in-place ops do: autograd's
      // saved-tensor checks and caches keyed on the version (the tagger's folded tables) rely on it.
      for (const at::Tensor* t : {&p, &m, &v}) t->unsafeGetTensorImpl()->bump_version();
    }
  })
}
