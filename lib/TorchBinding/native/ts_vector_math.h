// Elementary functions written so that GCC vectorises the loops that call them (no calls, no branches on data):
// shared by the binding's fused kernels that need them.
#pragma once

#include <cstdint>
#include <cstring>

namespace ts_math {

inline float bits_to_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

inline uint32_t float_to_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

// e^x: x = n ln2 + r with |r| <= ln2/2 (n rounded by adding 1.5 * 2^23, ln2 split in two for an exact product), e^r by
// its Taylor series to degree 7 (error below 1e-8 relative), 2^n written into the exponent bits. The reduction runs on
// x clamped to [-87.3, 88.7] so 2^n stays a normal float; below -87.3 the result is 0 (libtorch's is a subnormal or 0
// there), so that inf * e^-inf is NaN as in libtorch; NaN passes through the comparisons and stays NaN.
inline float exp_approx(float input) {
  float x = input < -87.3f ? -87.3f : input;
  x = x > 88.7f ? 88.7f : x;
  constexpr float kRound = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits
  float shifted = x * 1.44269504088896341f + kRound;
  float n = shifted - kRound;
  float r = x - n * 0.693145751953125f;
  r = r - n * 1.428606765330187e-6f;
  float p = 1.f / 5040.f + r * (1.f / 40320.f);
  p = 1.f / 720.f + r * p;
  p = 1.f / 120.f + r * p;
  p = 1.f / 24.f + r * p;
  p = 1.f / 6.f + r * p;
  p = 0.5f + r * p;
  p = 1.f + r * p;
  p = 1.f + r * p;
  uint32_t exponent = (float_to_bits(shifted) - float_to_bits(kRound) + 127u) << 23;
  float result = p * bits_to_float(exponent);
  return input < -87.3f ? 0.f : result;
}

// Reductions in 16 lanes, so that GCC keeps them in vector registers (a single float accumulator is a chain of dependent
// adds: it may not be reordered without -ffast-math).
inline float lane_max(const float* x, int64_t n) {
  float lanes[16];
  for (int j = 0; j < 16; ++j) lanes[j] = -__builtin_inff();
  int64_t c = 0;
  for (; c + 16 <= n; c += 16)
    for (int j = 0; j < 16; ++j) lanes[j] = x[c + j] > lanes[j] ? x[c + j] : lanes[j];
  float top = -__builtin_inff();
  for (; c < n; ++c) top = x[c] > top ? x[c] : top;
  for (int j = 0; j < 16; ++j) top = lanes[j] > top ? lanes[j] : top;
  return top;
}

inline float lane_dot(const float* x, const float* y, int64_t n) {
  float lanes[16] = {};
  int64_t c = 0;
  for (; c + 16 <= n; c += 16)
    for (int j = 0; j < 16; ++j) lanes[j] += x[c + j] * y[c + j];
  float sum = 0.f;
  for (; c < n; ++c) sum += x[c] * y[c];
  for (int j = 0; j < 16; ++j) sum += lanes[j];
  return sum;
}

inline float lane_sum(const float* x, int64_t n) {
  float lanes[16] = {};
  int64_t c = 0;
  for (; c + 16 <= n; c += 16)
    for (int j = 0; j < 16; ++j) lanes[j] += x[c + j];
  float sum = 0.f;
  for (; c < n; ++c) sum += x[c];
  for (int j = 0; j < 16; ++j) sum += lanes[j];
  return sum;
}

}  // namespace ts_math
