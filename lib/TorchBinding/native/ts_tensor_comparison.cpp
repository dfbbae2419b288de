// Comparison ops: https://pytorch.org/docs/stable/torch.html#comparison-ops
#include "ts_api.h"

#define TS_COMPARE(name)                                                                       \
  TS_EXPORT TSTensor TS_Tensor_##name(TSTensor a, TSTensor b) { TS_TENSOR(at::name(*a, *b)) } \
  TS_EXPORT TSTensor TS_Tensor_##name##_scalar(TSTensor a, TSScalar b) { TS_TENSOR(at::name(*a, ts_scalar(b))) }

TS_COMPARE(eq) TS_COMPARE(ne) TS_COMPARE(lt) TS_COMPARE(le) TS_COMPARE(gt) TS_COMPARE(ge)

TS_EXPORT int32_t TS_Tensor_equal(TSTensor a, TSTensor b, int32_t* out) { TS_STATUS(*out = at::equal(*a, *b) ? 1 : 0) }
TS_EXPORT int32_t TS_Tensor_allclose(TSTensor a, TSTensor b, double rtol, double atol, int32_t equal_nan, int32_t* out) {
  TS_STATUS(*out = at::allclose(*a, *b, rtol, atol, equal_nan != 0) ? 1 : 0)
}
