// Reductions: https://pytorch.org/docs/stable/torch.html#reduction-ops
// `dims` with ndims == 0 means "all dimensions" where PyTorch allows it.
#include "ts_api.h"

namespace {
c10::optional<at::ScalarType> opt_dtype(int32_t dtype) {
  return dtype < 0 ? c10::nullopt : c10::optional<at::ScalarType>(static_cast<at::ScalarType>(dtype));
}
}  // namespace

TS_EXPORT TSTensor TS_Tensor_sum(TSTensor t, const int64_t* dims, int32_t ndims, int32_t keepdim, int32_t dtype) {
  TS_TENSOR(ndims == 0 ? at::sum(*t, opt_dtype(dtype)) : at::sum(*t, ts_dims(dims, ndims), keepdim != 0, opt_dtype(dtype)))
}
TS_EXPORT TSTensor TS_Tensor_mean(TSTensor t, const int64_t* dims, int32_t ndims, int32_t keepdim, int32_t dtype) {
  TS_TENSOR(ndims == 0 ? at::mean(*t, opt_dtype(dtype)) : at::mean(*t, ts_dims(dims, ndims), keepdim != 0, opt_dtype(dtype)))
}
TS_EXPORT TSTensor TS_Tensor_prod(TSTensor t) { TS_TENSOR(at::prod(*t)) }
TS_EXPORT TSTensor TS_Tensor_max_all(TSTensor t) { TS_TENSOR(at::max(*t)) }
TS_EXPORT TSTensor TS_Tensor_min_all(TSTensor t) { TS_TENSOR(at::min(*t)) }
TS_EXPORT int32_t TS_Tensor_max_dim(TSTensor t, int64_t dim, int32_t keepdim, TSTensor* values, TSTensor* indices) {
  TS_STATUS({
    auto r = at::max(*t, dim, keepdim != 0);
    *values = ts_new(std::get<0>(r));
    *indices = ts_new(std::get<1>(r));
  })
}
TS_EXPORT int32_t TS_Tensor_min_dim(TSTensor t, int64_t dim, int32_t keepdim, TSTensor* values, TSTensor* indices) {
  TS_STATUS({
    auto r = at::min(*t, dim, keepdim != 0);
    *values = ts_new(std::get<0>(r));
    *indices = ts_new(std::get<1>(r));
  })
}
TS_EXPORT TSTensor TS_Tensor_argmax(TSTensor t, int64_t dim, int32_t has_dim, int32_t keepdim) {
  TS_TENSOR(at::argmax(*t, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0))
}
TS_EXPORT TSTensor TS_Tensor_argmin(TSTensor t, int64_t dim, int32_t has_dim, int32_t keepdim) {
  TS_TENSOR(at::argmin(*t, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0))
}
TS_EXPORT TSTensor TS_Tensor_logsumexp(TSTensor t, const int64_t* dims, int32_t ndims, int32_t keepdim) {
  TS_TENSOR(at::logsumexp(*t, ts_dims(dims, ndims), keepdim != 0))
}
TS_EXPORT TSTensor TS_Tensor_norm(TSTensor t, double p, const int64_t* dims, int32_t ndims, int32_t keepdim) {
  TS_TENSOR(ndims == 0 ? at::norm(*t, p) : at::norm(*t, p, ts_dims(dims, ndims), keepdim != 0))
}
TS_EXPORT TSTensor TS_Tensor_var(TSTensor t, const int64_t* dims, int32_t ndims, int32_t unbiased, int32_t keepdim) {
  TS_TENSOR(ndims == 0 ? at::var(*t, unbiased != 0) : at::var(*t, ts_dims(dims, ndims), unbiased != 0, keepdim != 0))
}
TS_EXPORT TSTensor TS_Tensor_std(TSTensor t, const int64_t* dims, int32_t ndims, int32_t unbiased, int32_t keepdim) {
  TS_TENSOR(ndims == 0 ? at::std(*t, unbiased != 0) : at::std(*t, ts_dims(dims, ndims), unbiased != 0, keepdim != 0))
}
TS_EXPORT TSTensor TS_Tensor_all(TSTensor t) { TS_TENSOR(at::all(*t)) }
TS_EXPORT TSTensor TS_Tensor_any(TSTensor t) { TS_TENSOR(at::any(*t)) }
TS_EXPORT TSTensor TS_Tensor_cumsum(TSTensor t, int64_t dim) { TS_TENSOR(at::cumsum(*t, dim)) }
TS_EXPORT int32_t TS_Tensor_topk(TSTensor t, int64_t k, int64_t dim, int32_t largest, int32_t sorted, TSTensor* values,
                                 TSTensor* indices) {
  TS_STATUS({
    auto r = at::topk(*t, k, dim, largest != 0, sorted != 0);
    *values = ts_new(std::get<0>(r));
    *indices = ts_new(std::get<1>(r));
  })
}
TS_EXPORT int32_t TS_Tensor_sort(TSTensor t, int64_t dim, int32_t descending, TSTensor* values, TSTensor* indices) {
  TS_STATUS({
    auto r = at::sort(*t, dim, descending != 0);
    *values = ts_new(std::get<0>(r));
    *indices = ts_new(std::get<1>(r));
  })
}
