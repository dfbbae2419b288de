// Small matrix products for the fused recurrent kernels: C (M x N) (+)= A (M x K) . B, with B packed
// once into 32-column panels and an AVX-512 register-blocked inner kernel (8 rows x 32 columns, 16 zmm
// accumulators). Why not the BLAS: a recurrence multiplies the same weight matrix once per time step;
// OpenBLAS re-packs it on every call (~10% of a BiLSTM decode), and Debian's OpenBLAS 0.3.21 runs its
// AVX2 (Haswell) kernels on CPUs with AVX-512, at a third of what this machine's cores can do
// (measured: 111 GFLOPS per core for sgemm, 333 for a stream of zmm FMAs).
// Callers fall back to at::addmm when PackedGemm::available() is false (no AVX-512F) or N % 32 != 0.
#pragma once

#include <cstdint>
#include <vector>

namespace ts {

class PackedGemm {
 public:
  // Whether this CPU runs the kernel.
  static bool available();

  // Packs B (K x N) where element (k, j) is src[k * stride_k + j * stride_n]. N must be a multiple of 32.
  PackedGemm(const float* src, int64_t K, int64_t N, int64_t stride_k, int64_t stride_n);

  // C (M x N, row stride ldc) = (accumulate ? C : 0) + A (M x K, row stride lda) . B
  void multiply(int64_t M, const float* A, int64_t lda, float* C, int64_t ldc, bool accumulate) const;

  int64_t K() const { return K_; }
  int64_t N() const { return N_; }

 private:
  int64_t K_, N_;
  std::vector<float> panels_;  // panel p: K rows of 32 floats, columns 32p .. 32p+31
};

}  // namespace ts
