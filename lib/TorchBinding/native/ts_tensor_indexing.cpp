// Indexing, gathering and scattering: https://pytorch.org/docs/stable/tensor_view.html
#include "ts_api.h"

#include <ATen/TensorIndexing.h>

TS_EXPORT TSTensor TS_Tensor_index_select(TSTensor t, int64_t dim, TSTensor index) { TS_TENSOR(t->index_select(dim, *index)) }
TS_EXPORT TSTensor TS_Tensor_gather(TSTensor t, int64_t dim, TSTensor index) { TS_TENSOR(t->gather(dim, *index)) }
TS_EXPORT TSTensor TS_Tensor_scatter(TSTensor t, int64_t dim, TSTensor index, TSTensor src) {
  TS_TENSOR(t->scatter(dim, *index, *src))
}
TS_EXPORT TSTensor TS_Tensor_scatter_value(TSTensor t, int64_t dim, TSTensor index, TSScalar value) {
  TS_TENSOR(t->scatter(dim, *index, ts_scalar(value)))
}
TS_EXPORT TSTensor TS_Tensor_scatter_add(TSTensor t, int64_t dim, TSTensor index, TSTensor src) {
  TS_TENSOR(t->scatter_add(dim, *index, *src))
}
TS_EXPORT TSTensor TS_Tensor_masked_fill(TSTensor t, TSTensor mask, TSScalar value) { TS_TENSOR(t->masked_fill(*mask, ts_scalar(value))) }
TS_EXPORT int32_t TS_Tensor_masked_fill_(TSTensor t, TSTensor mask, TSScalar value) { TS_STATUS(t->masked_fill_(*mask, ts_scalar(value))) }
TS_EXPORT TSTensor TS_Tensor_masked_select(TSTensor t, TSTensor mask) { TS_TENSOR(t->masked_select(*mask)) }
TS_EXPORT TSTensor TS_Tensor_nonzero(TSTensor t) { TS_TENSOR(t->nonzero()) }
TS_EXPORT TSTensor TS_Tensor_one_hot(TSTensor t, int64_t num_classes) { TS_TENSOR(at::one_hot(*t, num_classes)) }

namespace {
// Python-style index terms as the C# TensorIndex encodes them:
// kind 0 None, 1 Ellipsis, 2 integer (a), 3 slice (a:b:c, flags bit0/bit1/bit2 say which are given),
// 4 tensor (index or boolean mask), 5 bool.
std::vector<at::indexing::TensorIndex> decode(const int32_t* kinds, const int64_t* a, const int64_t* b, const int64_t* c,
                                              const int32_t* flags, const TSTensor* tensors, int32_t n) {
  using namespace at::indexing;
  std::vector<TensorIndex> out;
  out.reserve(static_cast<size_t>(n));
  for (int32_t k = 0; k < n; ++k) {
    switch (kinds[k]) {
      case 0: out.emplace_back(None); break;
      case 1: out.emplace_back(Ellipsis); break;
      case 2: out.emplace_back(a[k]); break;
      case 3: {
        c10::optional<int64_t> start = (flags[k] & 1) ? c10::optional<int64_t>(a[k]) : c10::nullopt;
        c10::optional<int64_t> stop = (flags[k] & 2) ? c10::optional<int64_t>(b[k]) : c10::nullopt;
        c10::optional<int64_t> step = (flags[k] & 4) ? c10::optional<int64_t>(c[k]) : c10::nullopt;
        out.emplace_back(Slice(start, stop, step));
        break;
      }
      case 4: out.emplace_back(*tensors[k]); break;
      case 5: out.emplace_back(a[k] != 0); break;
      default: throw std::invalid_argument("unknown index kind " + std::to_string(kinds[k]));
    }
  }
  return out;
}
}  // namespace

TS_EXPORT TSTensor TS_Tensor_index(TSTensor t, const int32_t* kinds, const int64_t* a, const int64_t* b, const int64_t* c,
                                   const int32_t* flags, const TSTensor* tensors, int32_t n) {
  TS_TENSOR(t->index(decode(kinds, a, b, c, flags, tensors, n)))
}
TS_EXPORT int32_t TS_Tensor_index_put_(TSTensor t, const int32_t* kinds, const int64_t* a, const int64_t* b, const int64_t* c,
                                       const int32_t* flags, const TSTensor* tensors, int32_t n, TSTensor value) {
  TS_STATUS(t->index_put_(decode(kinds, a, b, c, flags, tensors, n), *value))
}
TS_EXPORT int32_t TS_Tensor_index_put_scalar_(TSTensor t, const int32_t* kinds, const int64_t* a, const int64_t* b,
                                              const int64_t* c, const int32_t* flags, const TSTensor* tensors, int32_t n,
                                              TSScalar value) {
  TS_STATUS(t->index_put_(decode(kinds, a, b, c, flags, tensors, n), ts_scalar(value)))
}
