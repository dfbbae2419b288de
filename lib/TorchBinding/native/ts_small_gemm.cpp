#include "ts_small_gemm.h"

#include <immintrin.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>

#include <c10/util/Exception.h>

namespace ts {

namespace {
bool has_avx512() {
  static const bool ok = __builtin_cpu_supports("avx512f");
  return ok;
}
bool has_avx2() {
  static const bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return ok;
}
GemmPath by_features() { return has_avx512() ? GemmPath::Avx512 : has_avx2() ? GemmPath::Avx2 : GemmPath::Off; }
// TS_PACKED_GEMM=avx512|avx2|off forces a path from the start (benchmarks of one path on any machine); a path the CPU
// lacks, or any other value, leaves the choice to the CPU's features.
int32_t from_environment() {
  const char* v = std::getenv("TS_PACKED_GEMM");
  std::string s = v ? v : "";
  if (s == "avx512" && has_avx512()) return static_cast<int32_t>(GemmPath::Avx512);
  if (s == "avx2" && has_avx2()) return static_cast<int32_t>(GemmPath::Avx2);
  if (s == "off") return static_cast<int32_t>(GemmPath::Off);
  return static_cast<int32_t>(GemmPath::Auto);
}
std::atomic<int32_t> forced{from_environment()};
}  // namespace

GemmPath PackedGemm::path() {
  auto p = static_cast<GemmPath>(forced.load(std::memory_order_relaxed));
  return p == GemmPath::Auto ? by_features() : p;
}

bool PackedGemm::available() { return path() != GemmPath::Off; }

bool PackedGemm::supports(GemmPath p) {
  return !((p == GemmPath::Avx512 && !has_avx512()) || (p == GemmPath::Avx2 && !has_avx2()));
}

bool PackedGemm::set_path(GemmPath p) {
  if (!supports(p)) return false;
  forced.store(static_cast<int32_t>(p), std::memory_order_relaxed);
  return true;
}

PackedGemm::PackedGemm(const float* src, int64_t K, int64_t N, int64_t stride_k, int64_t stride_n, bool pad_columns)
    : K_(K), N_((N + 31) / 32 * 32), path_(path()), panels_(new float[static_cast<size_t>(K * N_)]) {
  TORCH_CHECK(pad_columns || N % 32 == 0, "packed gemm: N = ", N, " is not a multiple of 32");
  TORCH_CHECK(path_ != GemmPath::Off, "packed gemm: no packed kernel for this CPU (or switched off)");
  // Packing is on the attention's path once per (sequence, head) and product, where a panel is as large as the product
  // is short (L x 64 floats against 2 L² x 64 multiply-adds): an element-at-a-time loop with a padding test took ~40 %
  // of the products' own time (perf, `lab bench bert`). So each layout gets its plain loop: rows of 32 contiguous
  // floats are copied whole; a transposed source is read along k (its unit stride) a column at a time.
  float* out = panels_.get();
  for (int64_t p = 0; p < N_ / 32; ++p, out += K * 32) {
    const int64_t width = N - p * 32 < 32 ? N - p * 32 : 32;  // real columns in this panel
    if (stride_n == 1 && width == 32) {
      for (int64_t k = 0; k < K; ++k) std::memcpy(out + k * 32, src + k * stride_k + p * 32, 32 * sizeof(float));
      continue;
    }
    for (int64_t c = 0; c < 32; ++c) {
      if (c >= width) {
        for (int64_t k = 0; k < K; ++k) out[k * 32 + c] = 0.f;
        continue;
      }
      const float* column = src + (p * 32 + c) * stride_n;
      for (int64_t k = 0; k < K; ++k) out[k * 32 + c] = column[k * stride_k];
    }
  }
}

namespace {

// The row loops must be unrolled completely: only then does the compiler keep the accumulator arrays in registers
// (otherwise every fused multiply-add is followed by a store of its accumulator to the stack, measured: the AVX2
// block ran slower than OpenBLAS's addmm).
#define TS_UNROLL _Pragma("GCC unroll 16")

// ROWS x 32 block of C from a K x 32 panel; ROWS <= 8 so the 2 x ROWS accumulators and 2 panel
// vectors fit the 32 zmm registers with room to spare.
// A_T: A is given transposed (element (r, k) at A[k * lda + r]), as the attention backward's Pᵀ dC and dSᵀ Q read it.
template <int ROWS, bool A_T>
__attribute__((target("avx512f"))) void block(int64_t K, const float* A, int64_t lda, const float* panel, float* C, int64_t ldc, bool accumulate) {
  __m512 lo[ROWS], hi[ROWS];
  TS_UNROLL for (int r = 0; r < ROWS; ++r) {
    lo[r] = accumulate ? _mm512_loadu_ps(C + r * ldc) : _mm512_setzero_ps();
    hi[r] = accumulate ? _mm512_loadu_ps(C + r * ldc + 16) : _mm512_setzero_ps();
  }
  for (int64_t k = 0; k < K; ++k) {
    __m512 b0 = _mm512_loadu_ps(panel + k * 32), b1 = _mm512_loadu_ps(panel + k * 32 + 16);
    TS_UNROLL for (int r = 0; r < ROWS; ++r) {
      __m512 a = _mm512_set1_ps(A_T ? A[k * lda + r] : A[r * lda + k]);
      lo[r] = _mm512_fmadd_ps(a, b0, lo[r]);
      hi[r] = _mm512_fmadd_ps(a, b1, hi[r]);
    }
  }
  TS_UNROLL for (int r = 0; r < ROWS; ++r) {
    _mm512_storeu_ps(C + r * ldc, lo[r]);
    _mm512_storeu_ps(C + r * ldc + 16, hi[r]);
  }
}

// The AVX2/FMA twin: ROWS x 16 columns of C from one half (columns 0-15 or 16-31) of a K x 32 panel (row
// stride 32); ROWS <= 6 so the 2 x ROWS accumulators, 2 panel vectors and the broadcast fit the 16 ymm
// registers. Each element is the same chain of fused multiply-adds over k as in the AVX-512 block.
template <int ROWS, bool A_T>
__attribute__((target("avx2,fma"))) void half_block(int64_t K, const float* A, int64_t lda, const float* half_panel, float* C, int64_t ldc, bool accumulate) {
  __m256 lo[ROWS], hi[ROWS];
  TS_UNROLL for (int r = 0; r < ROWS; ++r) {
    lo[r] = accumulate ? _mm256_loadu_ps(C + r * ldc) : _mm256_setzero_ps();
    hi[r] = accumulate ? _mm256_loadu_ps(C + r * ldc + 8) : _mm256_setzero_ps();
  }
  for (int64_t k = 0; k < K; ++k) {
    __m256 b0 = _mm256_loadu_ps(half_panel + k * 32), b1 = _mm256_loadu_ps(half_panel + k * 32 + 8);
    TS_UNROLL for (int r = 0; r < ROWS; ++r) {
      __m256 a = _mm256_broadcast_ss(A_T ? A + k * lda + r : A + r * lda + k);
      lo[r] = _mm256_fmadd_ps(a, b0, lo[r]);
      hi[r] = _mm256_fmadd_ps(a, b1, hi[r]);
    }
  }
  TS_UNROLL for (int r = 0; r < ROWS; ++r) {
    _mm256_storeu_ps(C + r * ldc, lo[r]);
    _mm256_storeu_ps(C + r * ldc + 8, hi[r]);
  }
}

using BlockFn = void (*)(int64_t, const float*, int64_t, const float*, float*, int64_t, bool);
template <bool A_T>
constexpr BlockFn kBlocks[9] = {nullptr, block<1, A_T>, block<2, A_T>, block<3, A_T>, block<4, A_T>, block<5, A_T>, block<6, A_T>, block<7, A_T>, block<8, A_T>};
template <bool A_T>
constexpr BlockFn kHalfBlocks[7] = {nullptr, half_block<1, A_T>, half_block<2, A_T>, half_block<3, A_T>, half_block<4, A_T>, half_block<5, A_T>, half_block<6, A_T>};

// body(first_row, rows) over M rows in blocks of at most `most`, as even as they can be: 32 rows in blocks of <= 6 go
// 6, 6, 5, 5, 5, 5 rather than 6, 6, 6, 6, 6, 2. A block of few rows has few independent accumulator chains, too few to
// hide the fused multiply-add's latency: in a BiLSTM-CRF decode (batch 32) on the AVX2 path the 2-row block took 13 %
// of the packed products' time for 6 % of their work (perf, `lab bench bilstm-crf --profile`). Which block a row falls
// in does not change its sums: each element is the same chain over k.
template <typename Body>
void row_blocks(int64_t M, int64_t most, Body body) {
  const int64_t blocks = (M + most - 1) / most;
  for (int64_t b = 0, first = 0; b < blocks; ++b) {
    const int64_t rows = M / blocks + (b < M % blocks ? 1 : 0);
    body(first, rows);
    first += rows;
  }
}

// C (M x N) (+)= A . panels, A's row block i starting at A + i * row_step (lda for A, 1 for Aᵀ).
template <bool A_T>
void multiply_panels(GemmPath path, const float* panels, int64_t K, int64_t N, int64_t M, const float* A, int64_t lda, float* C, int64_t ldc,
                     bool accumulate) {
  const int64_t row_step = A_T ? 1 : lda;
  // Panel-outer: one 32-column panel (K x 128 bytes) stays in L1 while every row block passes over it.
  for (int64_t p = 0; p < N / 32; ++p) {
    const float* panel = panels + p * K * 32;
    if (path == GemmPath::Avx2) {
      for (int64_t half = 0; half < 32; half += 16)
        row_blocks(M, 6, [&](int64_t i, int64_t rows) {
          kHalfBlocks<A_T>[rows](K, A + i * row_step, lda, panel + half, C + i * ldc + p * 32 + half, ldc, accumulate);
        });
      continue;
    }
    row_blocks(M, 8, [&](int64_t i, int64_t rows) { kBlocks<A_T>[rows](K, A + i * row_step, lda, panel, C + i * ldc + p * 32, ldc, accumulate); });
  }
}

}  // namespace

void PackedGemm::multiply(int64_t M, const float* A, int64_t lda, float* C, int64_t ldc, bool accumulate) const {
  multiply_panels<false>(path_, panels_.get(), K_, N_, M, A, lda, C, ldc, accumulate);
}

void PackedGemm::multiply_transposed(int64_t M, const float* At, int64_t lda, float* C, int64_t ldc, bool accumulate) const {
  multiply_panels<true>(path_, panels_.get(), K_, N_, M, At, lda, C, ldc, accumulate);
}

}  // namespace ts

// The packed kernels' path for the C# side: 0 auto, 1 AVX-512, 2 AVX2, 3 off (see ts::GemmPath).
#include "ts_api.h"
TS_EXPORT int32_t TS_packed_gemm_path() { return static_cast<int32_t>(ts::PackedGemm::path()); }
TS_EXPORT int32_t TS_packed_gemm_supports(int32_t path) {
  return path >= 0 && path <= 3 && ts::PackedGemm::supports(static_cast<ts::GemmPath>(path)) ? 1 : 0;
}
TS_EXPORT int32_t TS_set_packed_gemm_path(int32_t path) {
  if (path < 0 || path > 3) return 0;
  return ts::PackedGemm::set_path(static_cast<ts::GemmPath>(path)) ? 1 : 0;
}
