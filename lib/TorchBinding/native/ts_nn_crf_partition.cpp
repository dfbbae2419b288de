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

// Sums of exponentials are taken as products with exp(transitions), computed once per call: a position costs N
// exponentials and N^2 multiply-adds instead of N^2 exponentials. Each vector of log scores is shifted by its maximum
// before exponentiation, so nothing overflows for transition scores within ±80 (a learned CRF's are within ±20); a sum
// that underflows to 0 is floored at the smallest normal float so that a log never gives -inf.
constexpr float kTiny = 1.17549435e-38f;

// Shifts v by its maximum, exponentiates into out and returns the shift.
float exp_shifted(const float* v, float* out, int64_t n) {
  float m = -std::numeric_limits<float>::infinity();
  for (int64_t j = 0; j < n; ++j) m = v[j] > m ? v[j] : m;
  for (int64_t j = 0; j < n; ++j) out[j] = ts_math::exp_approx(v[j] - m);
  return m;
}

// out[j] = log Σ_i exp(prev[i]) exp_trans[i, j] + add[j]; p is scratch of N floats.
void forward_step(const float* prev, const float* exp_trans, const float* add, float* out, float* p, int64_t n) {
  const float a = exp_shifted(prev, p, n);
  for (int64_t j = 0; j < n; ++j) out[j] = 0.f;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) out[j] += p[i] * exp_trans[i * n + j];
  for (int64_t j = 0; j < n; ++j) out[j] = a + std::log(out[j] > kTiny ? out[j] : kTiny) + add[j];
}

// log Σ_j exp(v[j]); p is scratch of N floats.
float log_sum_exp(const float* v, float* p, int64_t n) {
  const float m = exp_shifted(v, p, n);
  float s = 0.f;
  for (int64_t j = 0; j < n; ++j) s += p[j];
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
    std::vector<float> exp_trans(static_cast<size_t>(N * N)), scratch(static_cast<size_t>(N)), last(static_cast<size_t>(N));
    for (int64_t k = 0; k < N * N; ++k) exp_trans[k] = ts_math::exp_approx(tp[k]);
    for (int64_t b = 0; b < B; ++b) {
      const float* eb = ep + b * L * N;
      float* ab = ap + b * L * N;
      for (int64_t j = 0; j < N; ++j) ab[j] = sp[j] + eb[j];
      for (int64_t t = 1; t < L; ++t) {
        if (mp[b * L + t]) forward_step(ab + (t - 1) * N, exp_trans.data(), eb + t * N, ab + t * N, scratch.data(), N);
        else std::copy(ab + (t - 1) * N, ab + t * N, ab + t * N);
      }
      for (int64_t j = 0; j < N; ++j) last[j] = ab[(L - 1) * N + j] + enp[j];
      zp[b] = log_sum_exp(last.data(), scratch.data(), N);
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
    std::vector<float> beta(static_cast<size_t>(L * N)), next(static_cast<size_t>(N)), q(static_cast<size_t>(N)), p(static_cast<size_t>(N));
    std::vector<float> exp_trans(static_cast<size_t>(N * N));
    for (int64_t k = 0; k < N * N; ++k) exp_trans[k] = ts_math::exp_approx(tp[k]);
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
        const float c = exp_shifted(next.data(), q.data(), N);
        for (int64_t i = 0; i < N; ++i) {
          float sum = 0.f;
          for (int64_t j = 0; j < N; ++j) sum += exp_trans[i * N + j] * q[j];
          to[i] = c + std::log(sum > kTiny ? sum : kTiny);
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
      // Pair (i, j) at t: exp(alpha[t-1][i] - a) exp(trans[i, j]) exp(e[t][j] + beta[t][j] - z + a), a = max alpha[t-1].
      for (int64_t t = 1; t < L; ++t) {
        if (!mb[t]) continue;
        const float a = exp_shifted(ab + (t - 1) * N, p.data(), N);
        for (int64_t j = 0; j < N; ++j) q[j] = gb * ts_math::exp_approx(eb[t * N + j] + beta[t * N + j] - z + a);
        for (int64_t i = 0; i < N; ++i)
          for (int64_t j = 0; j < N; ++j) gtp[i * N + j] += p[i] * exp_trans[i * N + j] * q[j];
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
