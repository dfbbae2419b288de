// x Wᵀ + b for a weight with few output rows (N <= 16): a tagger's emission layer (N = the tag count, 11 on CCKS2017)
// over every position of a batch. OpenBLAS's kernels block N by 4-8 and pack both operands on every call; at N = 11 a
// (3200 x 256) . (256 x 11) product ran at 8 GFLOPS, 45 % of a BiLSTM-CRF decode's ATen time (`lab bench bilstm-crf
// --profile`). Here Wᵀ is packed once per call into K rows of 16 floats (zero-padded) and each input row keeps its
// 16 outputs in one zmm register (AVX-512) or two ymm registers (AVX2/FMA), summed over k in order with fused
// multiply-adds, the same chain in both paths (so both give the same floats), the bias added after the sum as ATen's
// addmm does. Input rows may be strided (a transposed (L, B, K) recurrent output needs no copy). Taken only where no
// autograd is recorded; the kernel path follows ts::PackedGemm's (forced in tests; Off sends everything to ATen).
#pragma once

#include "ts_api.h"

constexpr int64_t kSkinnyLinearMaxOut = 16;

// Whether the skinny kernel may compute linear(x, w, b) (process-wide switch and the packed-gemm path included).
bool ts_skinny_linear_applies(const at::Tensor& x, const at::Tensor& w, const at::Tensor* b);

// linear(x, w, b) for x (..., K) with 2 or 3 dims and a unit stride in K, w (N, K), b (N) or none; call only when
// ts_skinny_linear_applies says so.
at::Tensor ts_skinny_linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor* b);
