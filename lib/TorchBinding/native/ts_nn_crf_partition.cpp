// The log partition function of a linear-chain CRF on CPU float32 in one call, with its own backward (forward-backward
// marginals). The tensor loop over time it replaces ran ~20 small autograd ops per position, forward and backward,
// ~6,000 per BiLSTM-CRF training step of 32 x 100 (`lab bench bilstm-crf --profile`). Semantics are the loop's: the first
// position always counts; a later position counts when its mask is set and otherwise carries the forward scores on.
#include "ts_api.h"
#include "ts_vector_math.h"

#include <torch/csrc/autograd/custom_function.h>

#include <cmath>
#include <limits>
#include <vector>

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// out[j] = log Σ_i exp(prev[i] + trans[i, j]) + add[j], vectorised over j (trans row-major (from, to)).
void forward_step(const float* prev, const float* trans, const float* add, float* out, float* scratch_max, float* scratch_sum, int64_t n) {
  for (int64_t j = 0; j < n; ++j) scratch_max[j] = -std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      float v = prev[i] + trans[i * n + j];
      scratch_max[j] = v > scratch_max[j] ? v : scratch_max[j];
    }
  for (int64_t j = 0; j < n; ++j) scratch_sum[j] = 0.f;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) scratch_sum[j] += ts_math::exp_approx(prev[i] + trans[i * n + j] - scratch_max[j]);
  for (int64_t j = 0; j < n; ++j) out[j] = scratch_max[j] + std::log(scratch_sum[j]) + add[j];
}

// log Σ_j exp(v[j]).
float log_sum_exp(const float* v, int64_t n) {
  float m = -std::numeric_limits<float>::infinity();
  for (int64_t j = 0; j < n; ++j) m = v[j] > m ? v[j] : m;
  float s = 0.f;
  for (int64_t j = 0; j < n; ++j) s += ts_math::exp_approx(v[j] - m);
  return m + std::log(s);
}

struct CrfLogPartitionFunction : public torch::autograd::Function<CrfLogPartitionFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& emissions, const at::Tensor& mask, const at::Tensor& transitions,
                            const at::Tensor& start, const at::Tensor& end) {
    at::Tensor e = emissions.contiguous(), m = mask.to(at::kByte).contiguous(), tr = transitions.contiguous();
    at::Tensor st = start.contiguous(), en = end.contiguous();
    const int64_t B = e.size(0), L = e.size(1), N = e.size(2);
    at::Tensor alphas = at::empty({B, L, N}, e.options());
    at::Tensor log_z = at::empty({B}, e.options());
    const float *ep = e.data_ptr<float>(), *tp = tr.data_ptr<float>(), *sp = st.data_ptr<float>(), *enp = en.data_ptr<float>();
    const uint8_t* mp = m.data_ptr<uint8_t>();
    float *ap = alphas.data_ptr<float>(), *zp = log_z.data_ptr<float>();
    std::vector<float> mx(static_cast<size_t>(N)), sum(static_cast<size_t>(N)), last(static_cast<size_t>(N));
    for (int64_t b = 0; b < B; ++b) {
      const float* eb = ep + b * L * N;
      float* ab = ap + b * L * N;
      for (int64_t j = 0; j < N; ++j) ab[j] = sp[j] + eb[j];
      for (int64_t t = 1; t < L; ++t) {
        if (mp[b * L + t]) forward_step(ab + (t - 1) * N, tp, eb + t * N, ab + t * N, mx.data(), sum.data(), N);
        else std::copy(ab + (t - 1) * N, ab + t * N, ab + t * N);
      }
      for (int64_t j = 0; j < N; ++j) last[j] = ab[(L - 1) * N + j] + enp[j];
      zp[b] = log_sum_exp(last.data(), N);
    }
    ctx->save_for_backward({e, m, tr, en, alphas, log_z});
    return log_z;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    TORCH_CHECK(!at::GradMode::is_enabled(), "the fused CRF log partition has no second derivative: use ConditionalRandomField.NativeLogPartition = false");
    auto saved = ctx->get_saved_variables();
    at::Tensor e = saved[0], m = saved[1], tr = saved[2], en = saved[3], alphas = saved[4], log_z = saved[5];
    at::Tensor g = grads[0].to(at::kFloat).contiguous();
    const int64_t B = e.size(0), L = e.size(1), N = e.size(2);
    at::Tensor g_emit = at::zeros_like(e), g_trans = at::zeros_like(tr), g_start = at::zeros({N}, e.options()), g_end = at::zeros({N}, e.options());
    const float *ep = e.data_ptr<float>(), *tp = tr.data_ptr<float>(), *enp = en.data_ptr<float>(), *ap = alphas.data_ptr<float>();
    const float *zp = log_z.data_ptr<float>(), *gp = g.data_ptr<float>();
    const uint8_t* mp = m.data_ptr<uint8_t>();
    float *gep = g_emit.data_ptr<float>(), *gtp = g_trans.data_ptr<float>(), *gsp = g_start.data_ptr<float>(), *genp = g_end.data_ptr<float>();
    std::vector<float> beta(static_cast<size_t>(L * N)), row(static_cast<size_t>(N)), next(static_cast<size_t>(N));
    for (int64_t b = 0; b < B; ++b) {
      const float* eb = ep + b * L * N;
      const float* ab = ap + b * L * N;
      const uint8_t* mb = mp + b * L;
      float* geb = gep + b * L * N;
      const float z = zp[b], gb = gp[b];
      // Backward scores: beta[t][i] = log Σ_j exp(trans[i, j] + e[t+1][j] + beta[t+1][j]) where position t+1 counts.
      for (int64_t j = 0; j < N; ++j) beta[(L - 1) * N + j] = enp[j];
      for (int64_t t = L - 1; t >= 1; --t) {
        float* to = beta.data() + (t - 1) * N;
        const float* from = beta.data() + t * N;
        if (!mb[t]) {
          std::copy(from, from + N, to);
          continue;
        }
        for (int64_t j = 0; j < N; ++j) next[j] = eb[t * N + j] + from[j];
        for (int64_t i = 0; i < N; ++i) {
          for (int64_t j = 0; j < N; ++j) row[j] = tp[i * N + j] + next[j];
          to[i] = log_sum_exp(row.data(), N);
        }
      }
      // Marginals: of each tag at each counted position (the emissions' gradient), first and last, and of each pair.
      for (int64_t t = 0; t < L; ++t) {
        if (t > 0 && !mb[t]) continue;
        for (int64_t j = 0; j < N; ++j) geb[t * N + j] = gb * ts_math::exp_approx(ab[t * N + j] + beta[t * N + j] - z);
      }
      for (int64_t j = 0; j < N; ++j) {
        gsp[j] += geb[j];
        genp[j] += gb * ts_math::exp_approx(ab[(L - 1) * N + j] + enp[j] - z);
      }
      for (int64_t t = 1; t < L; ++t) {
        if (!mb[t]) continue;
        for (int64_t j = 0; j < N; ++j) next[j] = eb[t * N + j] + beta[t * N + j] - z;
        for (int64_t i = 0; i < N; ++i) {
          const float a = ab[(t - 1) * N + i];
          for (int64_t j = 0; j < N; ++j) gtp[i * N + j] += gb * ts_math::exp_approx(a + tp[i * N + j] + next[j]);
        }
      }
    }
    return {g_emit, at::Tensor(), g_trans, g_start, g_end};
  }
};

}  // namespace

// log Z (B) of emissions (B, L, N) under transitions (N, N), start (N) and end (N), all CPU float32; mask (B, L) bool.
TS_EXPORT TSTensor TS_CRF_log_partition(TSTensor emissions, TSTensor mask, TSTensor transitions, TSTensor start, TSTensor end) {
  try {
    TORCH_CHECK(emissions->dim() == 3, "CRF log partition: emissions must be (batch, length, tags), got ", emissions->sizes());
    const int64_t B = emissions->size(0), L = emissions->size(1), N = emissions->size(2);
    TORCH_CHECK(L >= 1 && N >= 1, "CRF log partition: emissions need at least one position and one tag, got ", emissions->sizes());
    TORCH_CHECK(mask->dim() == 2 && mask->size(0) == B && mask->size(1) == L, "CRF log partition: mask must be [", B, ", ", L, "], got ", mask->sizes());
    TORCH_CHECK(transitions->dim() == 2 && transitions->size(0) == N && transitions->size(1) == N,
                "CRF log partition: transitions must be [", N, ", ", N, "], got ", transitions->sizes());
    TORCH_CHECK(start->dim() == 1 && start->size(0) == N && end->dim() == 1 && end->size(0) == N,
                "CRF log partition: start and end must be [", N, "], got ", start->sizes(), " and ", end->sizes());
    for (const at::Tensor* t : {emissions, transitions, start, end})
      TORCH_CHECK(t->device().is_cpu() && t->scalar_type() == at::kFloat, "CRF log partition: CPU float32 tensors only, got ", t->scalar_type(), " on ", t->device());
    TORCH_CHECK(mask->device().is_cpu(), "CRF log partition: the mask must be on the CPU");
    return ts_new(CrfLogPartitionFunction::apply(*emissions, *mask, *transitions, *start, *end));
  }
  TS_CATCH(return nullptr)
}
