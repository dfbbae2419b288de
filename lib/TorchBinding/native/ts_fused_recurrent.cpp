#include "ts_fused_recurrent.h"
#include "ts_vector_math.h"

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

}  // namespace ts::recurrent
