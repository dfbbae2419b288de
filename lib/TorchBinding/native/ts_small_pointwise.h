// A short path for arithmetic on small float32 tensors that need no autograd: a tiny op spends most of its time in
// ATen's dispatcher and TensorIterator setup (measured by `lab bench overhead`), not in its arithmetic. When both
// operands are plain contiguous CPU float32 tensors of the same shape, at most kSmallPointwiseNumel elements, and
// autograd records nothing for them, the result is computed here with the same single IEEE operation per element as
// ATen's kernels (so the same floats); anything else (broadcasting, other dtypes, views, gradients, names, forward-mode
// dual tensors, other devices) goes to ATen as before.
#pragma once

#include "ts_api.h"

enum class TsSmallOp { Add, Sub, Mul, Div };

constexpr int64_t kSmallPointwiseNumel = 4096;

// Whether the short path may compute `a op b` for these operands (process-wide switch included).
bool ts_small_pointwise_applies(const at::Tensor& a, const at::Tensor& b);

// a op b, elementwise; call only when ts_small_pointwise_applies(a, b).
at::Tensor ts_small_pointwise(TsSmallOp op, const at::Tensor& a, const at::Tensor& b);
