#include "ts_fused_recurrent.h"

#include <cstring>

namespace ts::recurrent {

namespace {

// exp for |x| <= 87: x = n ln2 + r with |r| <= ln2/2, e^r by its degree-6 Taylor polynomial
// (relative error < 2e-7, below float precision), 2^n through the exponent bits. n is rounded by
// adding 1.5 * 2^23 (the integer lands in the low mantissa bits), so there is no floor() call and no
// branch: the loops below vectorise (this file is compiled with -fno-trapping-math for that).
inline float fast_exp(float x) {
  x = x < -87.f ? -87.f : x;
  x = x > 87.f ? 87.f : x;
  const float shift = 12582912.f;
  float t = x * 1.44269504088896341f + shift;
  float n = t - shift;
  float r = x - n * 0.693359375f + n * 2.12194440e-4f;  // ln2 split in two for accuracy
  float p = 1.f + r * (1.f + r * (0.5f + r * (1.f / 6 + r * (1.f / 24 + r * (1.f / 120 + r * (1.f / 720))))));
  int32_t ti;
  std::memcpy(&ti, &t, sizeof ti);
  int32_t bits = (ti - 0x4B400000 + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace

__attribute__((target_clones("avx512f", "avx2", "default")))
void sigmoid_inplace(float* __restrict x, int64_t n) {
  for (int64_t k = 0; k < n; ++k) x[k] = 1.f / (1.f + fast_exp(-x[k]));
}

std::vector<uint8_t> active_mask(const std::vector<int64_t>& lengths, int64_t T) {
  const int64_t B = static_cast<int64_t>(lengths.size());
  std::vector<uint8_t> active(static_cast<size_t>(T * B));
  for (int64_t t = 0; t < T; ++t)
    for (int64_t b = 0; b < B; ++b) active[t * B + b] = t < lengths[b];
  return active;
}

}  // namespace ts::recurrent
