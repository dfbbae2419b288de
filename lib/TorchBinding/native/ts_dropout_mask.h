// The fast dropout's mask (ts_nn_dropout.cpp): element i of a tensor is kept when a hash of i and the call's key falls
// below a threshold. Shared with the fused attention (ts_nn_fused_attention.cpp), which drops its probabilities with the
// same mask the separate dropout would draw for the same key, so either path gives the same result.
#pragma once

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <mutex>

namespace ts_dropout {

// A 32-bit integer hash with good avalanche (xor-shift / multiply rounds).
inline uint32_t mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

// Whether element i is kept: its index hashed with the call's key, so every dtype and every split of the range draws
// the same mask for the same key.
inline uint8_t kept(int64_t i, uint32_t key, uint32_t threshold) { return mix32(static_cast<uint32_t>(i) * 0x9E3779B9U + key) < threshold; }

// The hash value below which an element is kept with probability 1 - p.
inline uint32_t keep_threshold(double p) { return static_cast<uint32_t>(std::min(4294967295.0, std::floor((1.0 - p) * 4294967296.0))); }

// float32 dropout of n elements whose first has index `first` in the masked tensor: out = keep ? x · scale : 0, the
// mask bytes written to keep (defined in ts_nn_dropout.cpp, vectorised).
void drop(const float* x, float* out, uint8_t* keep, int64_t first, int64_t n, uint32_t key, uint32_t threshold, float scale);

// Its gradient, and the dropped values again from a kept mask: out = keep ? g · scale : 0.
void undrop(const float* g, const uint8_t* keep, float* out, int64_t n, float scale);

// A call's key: one draw from libtorch's default CPU generator, so manual_seed and a saved RNG state reproduce the mask.
inline uint32_t draw_key() {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get<at::CPUGeneratorImpl>()->random();
}

}  // namespace ts_dropout
