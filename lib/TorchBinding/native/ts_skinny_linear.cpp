#include "ts_skinny_linear.h"

#include "ts_small_gemm.h"

#include <ATen/EmptyTensor.h>
#include <ATen/Parallel.h>
#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <vector>

namespace {
std::atomic<bool> enabled{true};

// What the binding's float kernels take (ts_cpu_float), and no named dimensions: at::linear keeps names, this kernel would not.
bool cpu_float(const at::Tensor& t) { return ts_cpu_float(t) && !t.has_names(); }

bool recorded(const at::Tensor& t) {
  return (at::GradMode::is_enabled() && t.requires_grad()) || t._fw_grad(/*level=*/0).defined();
}

#define TS_UNROLL _Pragma("GCC unroll 16")

// ROWS input rows against the packed Wᵀ (K rows of 16 floats): one zmm of 16 outputs per row.
template <int ROWS>
__attribute__((target("avx512f"))) void rows_avx512(int64_t K, const float* const* x, const float* packed, const float* bias16, float* out, int64_t N) {
  __m512 acc[ROWS];
  TS_UNROLL for (int r = 0; r < ROWS; ++r) acc[r] = _mm512_setzero_ps();
  for (int64_t k = 0; k < K; ++k) {
    __m512 w = _mm512_loadu_ps(packed + k * 16);
    TS_UNROLL for (int r = 0; r < ROWS; ++r) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(x[r][k]), w, acc[r]);
  }
  const __mmask16 lanes = static_cast<__mmask16>((1u << N) - 1u);
  TS_UNROLL for (int r = 0; r < ROWS; ++r) {
    if (bias16 != nullptr) acc[r] = _mm512_add_ps(acc[r], _mm512_loadu_ps(bias16));
    _mm512_mask_storeu_ps(out + r * N, lanes, acc[r]);
  }
}

// The AVX2/FMA twin: two ymm (outputs 0-7, 8-15) per row, ROWS <= 6 so 12 accumulators and 2 weight vectors fit the
// 16 registers; per output the same fused multiply-add chain over k as the AVX-512 rows.
template <int ROWS>
__attribute__((target("avx2,fma"))) void rows_avx2(int64_t K, const float* const* x, const float* packed, const float* bias16, float* out, int64_t N) {
  __m256 lo[ROWS], hi[ROWS];
  TS_UNROLL for (int r = 0; r < ROWS; ++r) lo[r] = hi[r] = _mm256_setzero_ps();
  for (int64_t k = 0; k < K; ++k) {
    __m256 w0 = _mm256_loadu_ps(packed + k * 16), w1 = _mm256_loadu_ps(packed + k * 16 + 8);
    TS_UNROLL for (int r = 0; r < ROWS; ++r) {
      __m256 a = _mm256_broadcast_ss(x[r] + k);
      lo[r] = _mm256_fmadd_ps(a, w0, lo[r]);
      hi[r] = _mm256_fmadd_ps(a, w1, hi[r]);
    }
  }
  alignas(32) float row[16];
  TS_UNROLL for (int r = 0; r < ROWS; ++r) {
    if (bias16 != nullptr) {
      lo[r] = _mm256_add_ps(lo[r], _mm256_loadu_ps(bias16));
      hi[r] = _mm256_add_ps(hi[r], _mm256_loadu_ps(bias16 + 8));
    }
    _mm256_store_ps(row, lo[r]);
    _mm256_store_ps(row + 8, hi[r]);
    std::memcpy(out + r * N, row, static_cast<size_t>(N) * sizeof(float));
  }
}

using RowsFn = void (*)(int64_t, const float* const*, const float*, const float*, float*, int64_t);
constexpr RowsFn kAvx512[9] = {nullptr, rows_avx512<1>, rows_avx512<2>, rows_avx512<3>, rows_avx512<4>, rows_avx512<5>, rows_avx512<6>, rows_avx512<7>, rows_avx512<8>};
constexpr RowsFn kAvx2[7] = {nullptr, rows_avx2<1>, rows_avx2<2>, rows_avx2<3>, rows_avx2<4>, rows_avx2<5>, rows_avx2<6>};
}  // namespace

bool ts_skinny_linear_applies(const at::Tensor& x, const at::Tensor& w, const at::Tensor* b) {
  if (!enabled.load(std::memory_order_relaxed) || !ts::PackedGemm::available()) return false;
  if (ts_cpu_autocast_active()) return false;   // autocast's policy decides the product's dtype there
  if (!cpu_float(x) || !cpu_float(w) || (x.dim() != 2 && x.dim() != 3) || x.numel() == 0) return false;
  if (w.dim() != 2 || !w.is_contiguous() || w.size(0) < 1 || w.size(0) > kSkinnyLinearMaxOut || w.size(1) != x.size(-1)) return false;
  if (x.stride(-1) != 1 && x.size(-1) != 1) return false;
  if (b != nullptr && (!cpu_float(*b) || b->dim() != 1 || b->size(0) != w.size(0) || !b->is_contiguous() || recorded(*b))) return false;
  return !recorded(x) && !recorded(w);
}

at::Tensor ts_skinny_linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor* b) {
  const int64_t N = w.size(0), K = w.size(1);
  const bool three = x.dim() == 3;
  const int64_t inner = three ? x.size(1) : 1;                 // rows per leading index
  const int64_t M = three ? x.size(0) * inner : x.size(0);
  const int64_t s0 = x.stride(0), s1 = three ? x.stride(1) : 0;
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
  shape.back() = N;
  at::Tensor out = at::detail::empty_cpu(shape, at::kFloat);

  // Wᵀ as K rows of 16 (columns past N zero), the bias padded alike.
  std::vector<float> packed(static_cast<size_t>(K) * 16, 0.0f);
  const float* wp = w.data_ptr<float>();
  for (int64_t n = 0; n < N; ++n)
    for (int64_t k = 0; k < K; ++k) packed[k * 16 + n] = wp[n * K + k];
  float bias16[16] = {};
  if (b != nullptr) std::copy_n(b->data_ptr<float>(), N, bias16);

  const float* xp = x.data_ptr<float>();
  float* op = out.data_ptr<float>();
  const bool avx512 = ts::PackedGemm::path() == ts::GemmPath::Avx512;
  const int64_t block = avx512 ? 8 : 6;
  // At least 64 rows per thread: below that the product is cheaper than a fork.
  at::parallel_for(0, M, 64, [&](int64_t begin, int64_t end) {
    const float* rows[8];
    for (int64_t i = begin; i < end; i += block) {
      int64_t count = std::min(block, end - i);
      for (int64_t r = 0; r < count; ++r) {
        int64_t m = i + r;
        rows[r] = xp + (three ? (m / inner) * s0 + (m % inner) * s1 : m * s0);
      }
      (avx512 ? kAvx512 : kAvx2)[count](K, rows, packed.data(), b != nullptr ? bias16 : nullptr, op + i * N, N);
    }
  });
  return out;
}

// 1 to take the skinny kernel where it applies (the default), 0 for ATen everywhere (tests compare the two).
TS_EXPORT void TS_set_skinny_linear(int32_t on) { enabled.store(on != 0, std::memory_order_relaxed); }
TS_EXPORT int32_t TS_skinny_linear() { return enabled.load(std::memory_order_relaxed) ? 1 : 0; }
