// Viterbi decoding of a linear-chain CRF on CPU in one call: the dynamic programme over
// (batch, time, tag, tag) in plain loops, with backtracking, for float32 and float64 emissions.
#include "ts_api.h"

#include <limits>

namespace {

template <typename T>
void viterbi(const T* emit, const uint8_t* mask, const T* trans, const T* start, const T* end, int64_t B, int64_t L, int64_t N, int32_t* paths,
             double* scores) {
  std::vector<T> score(static_cast<size_t>(N)), next(static_cast<size_t>(N));
  std::vector<int32_t> back(static_cast<size_t>(L * N));
  for (int64_t b = 0; b < B; ++b) {
    const T* e = emit + b * L * N;
    const uint8_t* m = mask + b * L;
    int64_t len = 0;
    while (len < L && m[len]) ++len;
    for (int64_t j = 0; j < N; ++j) score[j] = start[j] + e[j];
    for (int64_t t = 1; t < len; ++t) {
      for (int64_t j = 0; j < N; ++j) {
        T best = -std::numeric_limits<T>::infinity();
        int32_t arg = 0;
        for (int64_t i = 0; i < N; ++i) {
          T v = score[i] + trans[i * N + j];
          if (v > best) { best = v; arg = static_cast<int32_t>(i); }
        }
        next[j] = best + e[t * N + j];
        back[t * N + j] = arg;
      }
      std::swap(score, next);
    }
    T best = -std::numeric_limits<T>::infinity();
    int32_t last = 0;
    for (int64_t j = 0; j < N; ++j)
      if (score[j] + end[j] > best) { best = score[j] + end[j]; last = static_cast<int32_t>(j); }
    int32_t* p = paths + b * L;
    for (int64_t t = len; t < L; ++t) p[t] = -1;
    if (len == 0) { scores[b] = 0; continue; }
    p[len - 1] = last;
    for (int64_t t = len - 1; t > 0; --t) p[t - 1] = back[t * N + p[t]];
    scores[b] = static_cast<double>(best);
  }
}

}  // namespace

// emissions (B, L, N), mask (B, L) bool (left-aligned), transitions (N, N) [from, to], start/end (N),
// all on the CPU in one floating dtype. Writes B*L tag indices (-1 past each length) and B scores.
TS_EXPORT int32_t TS_CRF_viterbi(TSTensor emissions, TSTensor mask, TSTensor transitions, TSTensor start, TSTensor end, int32_t* paths,
                                 double* scores) {
  TS_STATUS({
    at::Tensor e = emissions->contiguous(), m = mask->to(at::kByte).contiguous();
    TORCH_CHECK(e.dim() == 3 && e.device().is_cpu(), "viterbi: emissions must be a CPU (batch, length, tags) tensor");
    const int64_t B = e.size(0), L = e.size(1), N = e.size(2);
    at::Tensor tr = transitions->to(e.scalar_type()).contiguous(), s = start->to(e.scalar_type()).contiguous(), en = end->to(e.scalar_type()).contiguous();
    TORCH_CHECK(tr.size(0) == N && tr.size(1) == N && s.numel() == N && en.numel() == N, "viterbi: transition shapes do not match ", N, " tags");
    if (e.scalar_type() == at::kDouble)
      viterbi<double>(e.data_ptr<double>(), m.data_ptr<uint8_t>(), tr.data_ptr<double>(), s.data_ptr<double>(), en.data_ptr<double>(), B, L, N, paths, scores);
    else {
      e = e.to(at::kFloat);
      tr = tr.to(at::kFloat), s = s.to(at::kFloat), en = en.to(at::kFloat);
      viterbi<float>(e.data_ptr<float>(), m.data_ptr<uint8_t>(), tr.data_ptr<float>(), s.data_ptr<float>(), en.data_ptr<float>(), B, L, N, paths, scores);
    }
  })
}
