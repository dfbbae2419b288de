// Small matrix products for the fused recurrent kernels and the fused attention: C (M x N) (+)= A (M x K) . B, with B
// packed once into 32-column panels and a register-blocked inner kernel in two variants: AVX-512 (8 rows x 32
// columns, 16 zmm accumulators) and AVX2/FMA (6 rows x 16 columns per half panel, 12 ymm accumulators), the
// same k-order of fused multiply-adds in both, so both give the same floats. Why not the BLAS: a recurrence
// multiplies the same weight matrix once per time step, and OpenBLAS re-packs it on every call (~10% of a BiLSTM
// decode); the fused attention runs a head's six products between its own passes over the L x L block, which stays
// in cache, on one core per head (ts_nn_fused_attention.cpp). Large products stay with OpenBLAS: on the 2-core AMD
// EPYC (Zen 4) it runs them at ~90 % of the cores' fused multiply-add rate (117 GFLOPS per core, zmm or ymm alike;
// environment.md), which a blocked product built on these kernels did not beat.
// Callers fall back to at::addmm when PackedGemm::available() is false (neither ISA, or the packed path
// switched off) or N % 32 != 0 (the attention pads its key columns instead: pad_columns).
#pragma once

#include <cstdint>
#include <memory>

namespace ts {

// Which inner kernel packed products use: chosen by CPU features (Auto), or forced (tests run every path the CPU
// has; Off sends the callers to at::addmm).
enum class GemmPath : int32_t { Auto = 0, Avx512 = 1, Avx2 = 2, Off = 3 };

class PackedGemm {
 public:
  // Whether packed products run (a usable kernel for this CPU and the path not switched off).
  static bool available();
  // The path in use (Avx512, Avx2 or Off; never Auto).
  static GemmPath path();
  // Whether this CPU can run the path (Auto and Off always).
  static bool supports(GemmPath path);
  // Forces a path (Auto: by CPU features); false, changing nothing, when this CPU lacks the forced ISA.
  static bool set_path(GemmPath path);

  // Packs B (K x N) where element (k, j) is src[k * stride_k + j * stride_n]. N must be a multiple of 32, unless
  // pad_columns: then B is taken as zero-padded to the next multiple of 32 columns, N() is that width, and a product
  // writes that many columns of C (the caller's C has room for them and ignores the padding).
  PackedGemm(const float* src, int64_t K, int64_t N, int64_t stride_k, int64_t stride_n, bool pad_columns = false);

  // C (M x N(), row stride ldc) = (accumulate ? C : 0) + A (M x K, row stride lda) . B
  void multiply(int64_t M, const float* A, int64_t lda, float* C, int64_t ldc, bool accumulate) const;
  // The same with A given transposed: At is K x M (row stride lda), A = Atᵀ. The same floats as multiply on a copy of A.
  void multiply_transposed(int64_t M, const float* At, int64_t lda, float* C, int64_t ldc, bool accumulate) const;

  int64_t K() const { return K_; }
  int64_t N() const { return N_; }

 private:
  int64_t K_, N_;
  GemmPath path_;              // the kernel chosen when packed, kept for every product of this matrix
  std::unique_ptr<float[]> panels_;  // panel p: K rows of 32 floats, columns 32p .. 32p+31 (not zeroed first: every float is written)
};

}  // namespace ts
