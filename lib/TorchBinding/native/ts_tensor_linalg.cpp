// Matrix products: https://pytorch.org/docs/stable/torch.html#blas-and-lapack-operations
#include "ts_api.h"

TS_EXPORT TSTensor TS_Tensor_matmul(TSTensor a, TSTensor b) { TS_TENSOR(at::matmul(*a, *b)) }
TS_EXPORT TSTensor TS_Tensor_mm(TSTensor a, TSTensor b) { TS_TENSOR(at::mm(*a, *b)) }
TS_EXPORT TSTensor TS_Tensor_bmm(TSTensor a, TSTensor b) { TS_TENSOR(at::bmm(*a, *b)) }
TS_EXPORT TSTensor TS_Tensor_baddbmm(TSTensor self, TSTensor b1, TSTensor b2, TSScalar beta, TSScalar alpha) {
  TS_TENSOR(at::baddbmm(*self, *b1, *b2, ts_scalar(beta), ts_scalar(alpha)))
}
TS_EXPORT TSTensor TS_Tensor_addmm(TSTensor self, TSTensor m1, TSTensor m2, TSScalar beta, TSScalar alpha) {
  TS_TENSOR(at::addmm(*self, *m1, *m2, ts_scalar(beta), ts_scalar(alpha)))
}
TS_EXPORT TSTensor TS_Tensor_einsum(const char* equation, const TSTensor* ts, int32_t n) {
  TS_TENSOR(at::einsum(equation, ts_list(ts, n)))
}
TS_EXPORT TSTensor TS_Tensor_outer(TSTensor a, TSTensor b) { TS_TENSOR(at::outer(*a, *b)) }
TS_EXPORT TSTensor TS_Tensor_dot(TSTensor a, TSTensor b) { TS_TENSOR(at::dot(*a, *b)) }
