#include "ts_small_gemm.h"

#include <immintrin.h>

#include <c10/util/Exception.h>

namespace ts {

bool PackedGemm::available() {
  static const bool ok = __builtin_cpu_supports("avx512f");
  return ok;
}

PackedGemm::PackedGemm(const float* src, int64_t K, int64_t N, int64_t stride_k, int64_t stride_n)
    : K_(K), N_(N), panels_(static_cast<size_t>(K * N)) {
  TORCH_CHECK(N % 32 == 0, "packed gemm: N = ", N, " is not a multiple of 32");
  float* out = panels_.data();
  for (int64_t p = 0; p < N / 32; ++p)
    for (int64_t k = 0; k < K; ++k)
      for (int64_t c = 0; c < 32; ++c) *out++ = src[k * stride_k + (p * 32 + c) * stride_n];
}

namespace {

// ROWS x 32 block of C from a K x 32 panel; ROWS <= 8 so the 2 x ROWS accumulators and 2 panel
// vectors fit the 32 zmm registers with room to spare.
template <int ROWS>
__attribute__((target("avx512f"))) void block(int64_t K, const float* A, int64_t lda, const float* panel, float* C, int64_t ldc, bool accumulate) {
  __m512 lo[ROWS], hi[ROWS];
  for (int r = 0; r < ROWS; ++r) {
    lo[r] = accumulate ? _mm512_loadu_ps(C + r * ldc) : _mm512_setzero_ps();
    hi[r] = accumulate ? _mm512_loadu_ps(C + r * ldc + 16) : _mm512_setzero_ps();
  }
  for (int64_t k = 0; k < K; ++k) {
    __m512 b0 = _mm512_loadu_ps(panel + k * 32), b1 = _mm512_loadu_ps(panel + k * 32 + 16);
    for (int r = 0; r < ROWS; ++r) {
      __m512 a = _mm512_set1_ps(A[r * lda + k]);
      lo[r] = _mm512_fmadd_ps(a, b0, lo[r]);
      hi[r] = _mm512_fmadd_ps(a, b1, hi[r]);
    }
  }
  for (int r = 0; r < ROWS; ++r) {
    _mm512_storeu_ps(C + r * ldc, lo[r]);
    _mm512_storeu_ps(C + r * ldc + 16, hi[r]);
  }
}

using BlockFn = void (*)(int64_t, const float*, int64_t, const float*, float*, int64_t, bool);
constexpr BlockFn kBlocks[9] = {nullptr, block<1>, block<2>, block<3>, block<4>, block<5>, block<6>, block<7>, block<8>};

}  // namespace

void PackedGemm::multiply(int64_t M, const float* A, int64_t lda, float* C, int64_t ldc, bool accumulate) const {
  // Panel-outer: one 32-column panel (K x 128 bytes) stays in L1 while every row block passes over it.
  for (int64_t p = 0; p < N_ / 32; ++p) {
    const float* panel = panels_.data() + p * K_ * 32;
    for (int64_t i = 0; i < M; i += 8) {
      int64_t rows = M - i < 8 ? M - i : 8;
      kBlocks[rows](K_, A + i * lda, lda, panel, C + i * ldc + p * 32, ldc, accumulate);
    }
  }
}

}  // namespace ts
