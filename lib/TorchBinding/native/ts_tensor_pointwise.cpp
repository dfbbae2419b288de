// Pointwise math: https://pytorch.org/docs/stable/torch.html#pointwise-ops
// Out-of-place ops return a new handle; in-place ops (trailing underscore) return a status.
#include "ts_api.h"
#include "ts_small_pointwise.h"

#define TS_UNARY(name) \
  TS_EXPORT TSTensor TS_Tensor_##name(TSTensor t) { TS_TENSOR(at::name(*t)) }
#define TS_UNARY_(name) \
  TS_EXPORT int32_t TS_Tensor_##name##_(TSTensor t) { TS_STATUS(t->name##_()) }

TS_UNARY(neg) TS_UNARY(abs) TS_UNARY(exp) TS_UNARY(log) TS_UNARY(log1p) TS_UNARY(sqrt) TS_UNARY(rsqrt)
TS_UNARY(sin) TS_UNARY(cos) TS_UNARY(tanh) TS_UNARY(sigmoid) TS_UNARY(relu) TS_UNARY(sign) TS_UNARY(floor)
TS_UNARY(ceil) TS_UNARY(round) TS_UNARY(reciprocal) TS_UNARY(erf) TS_UNARY(square) TS_UNARY(logical_not)
TS_UNARY(isnan) TS_UNARY(isinf) TS_UNARY(log_sigmoid)

TS_UNARY_(neg) TS_UNARY_(exp) TS_UNARY_(sqrt) TS_UNARY_(relu) TS_UNARY_(zero) TS_UNARY_(tanh) TS_UNARY_(sigmoid)

TS_EXPORT TSTensor TS_Tensor_gelu(TSTensor t, int32_t tanh_approx) { TS_TENSOR(at::gelu(*t, tanh_approx ? "tanh" : "none")) }

namespace {
bool is_one(TSScalar s) { return s.kind == 2 ? s.i != 0 : s.kind == 1 ? s.i == 1 : s.d == 1.0; }

// a op b: small float32 operands without autograd take the short path (ts_small_pointwise.h), the rest ATen.
template <typename Aten>
at::Tensor binary(TsSmallOp op, const at::Tensor& a, const at::Tensor& b, Aten aten) {
  return ts_small_pointwise_applies(a, b) ? ts_small_pointwise(op, a, b) : aten();
}
}  // namespace

// Binary with tensors (broadcasting, type promotion as in PyTorch).
TS_EXPORT TSTensor TS_Tensor_add(TSTensor a, TSTensor b, TSScalar alpha) {
  // alpha other than 1 is a fused multiply-add in ATen's vector kernel: left to ATen for the same floats.
  TS_TENSOR(is_one(alpha) ? binary(TsSmallOp::Add, *a, *b, [&] { return at::add(*a, *b); }) : at::add(*a, *b, ts_scalar(alpha)))
}
TS_EXPORT TSTensor TS_Tensor_sub(TSTensor a, TSTensor b, TSScalar alpha) {
  TS_TENSOR(is_one(alpha) ? binary(TsSmallOp::Sub, *a, *b, [&] { return at::sub(*a, *b); }) : at::sub(*a, *b, ts_scalar(alpha)))
}
TS_EXPORT TSTensor TS_Tensor_mul(TSTensor a, TSTensor b) { TS_TENSOR(binary(TsSmallOp::Mul, *a, *b, [&] { return at::mul(*a, *b); })) }
TS_EXPORT TSTensor TS_Tensor_div(TSTensor a, TSTensor b) { TS_TENSOR(binary(TsSmallOp::Div, *a, *b, [&] { return at::div(*a, *b); })) }
TS_EXPORT TSTensor TS_Tensor_pow(TSTensor a, TSTensor b) { TS_TENSOR(at::pow(*a, *b)) }
TS_EXPORT TSTensor TS_Tensor_maximum(TSTensor a, TSTensor b) { TS_TENSOR(at::maximum(*a, *b)) }
TS_EXPORT TSTensor TS_Tensor_minimum(TSTensor a, TSTensor b) { TS_TENSOR(at::minimum(*a, *b)) }
TS_EXPORT TSTensor TS_Tensor_remainder(TSTensor a, TSTensor b) { TS_TENSOR(at::remainder(*a, *b)) }
TS_EXPORT TSTensor TS_Tensor_logical_and(TSTensor a, TSTensor b) { TS_TENSOR(at::logical_and(*a, *b)) }
TS_EXPORT TSTensor TS_Tensor_logical_or(TSTensor a, TSTensor b) { TS_TENSOR(at::logical_or(*a, *b)) }
TS_EXPORT TSTensor TS_Tensor_logical_xor(TSTensor a, TSTensor b) { TS_TENSOR(at::logical_xor(*a, *b)) }
TS_EXPORT TSTensor TS_Tensor_bitwise_and(TSTensor a, TSTensor b) { TS_TENSOR(at::bitwise_and(*a, *b)) }
TS_EXPORT TSTensor TS_Tensor_bitwise_or(TSTensor a, TSTensor b) { TS_TENSOR(at::bitwise_or(*a, *b)) }

// Binary with a scalar on the right (a Python number: it does not promote a float32 tensor).
TS_EXPORT TSTensor TS_Tensor_add_scalar(TSTensor a, TSScalar b) { TS_TENSOR(at::add(*a, ts_scalar(b))) }
TS_EXPORT TSTensor TS_Tensor_sub_scalar(TSTensor a, TSScalar b) { TS_TENSOR(at::sub(*a, ts_scalar(b))) }
TS_EXPORT TSTensor TS_Tensor_rsub_scalar(TSTensor a, TSScalar b) { TS_TENSOR(at::rsub(*a, ts_scalar(b))) }
TS_EXPORT TSTensor TS_Tensor_mul_scalar(TSTensor a, TSScalar b) { TS_TENSOR(at::mul(*a, ts_scalar(b))) }
TS_EXPORT TSTensor TS_Tensor_div_scalar(TSTensor a, TSScalar b) { TS_TENSOR(at::div(*a, ts_scalar(b))) }
TS_EXPORT TSTensor TS_Tensor_rdiv_scalar(TSTensor a, TSScalar b) { TS_TENSOR(at::mul(at::reciprocal(*a), ts_scalar(b))) }
TS_EXPORT TSTensor TS_Tensor_pow_scalar(TSTensor a, TSScalar b) { TS_TENSOR(at::pow(*a, ts_scalar(b))) }
TS_EXPORT TSTensor TS_Tensor_remainder_scalar(TSTensor a, TSScalar b) { TS_TENSOR(at::remainder(*a, ts_scalar(b))) }

TS_EXPORT TSTensor TS_Tensor_clamp(TSTensor t, TSScalar min, int32_t has_min, TSScalar max, int32_t has_max) {
  TS_TENSOR(at::clamp(*t, has_min ? c10::optional<at::Scalar>(ts_scalar(min)) : c10::nullopt,
                      has_max ? c10::optional<at::Scalar>(ts_scalar(max)) : c10::nullopt))
}
TS_EXPORT TSTensor TS_Tensor_where(TSTensor cond, TSTensor a, TSTensor b) { TS_TENSOR(at::where(*cond, *a, *b)) }
TS_EXPORT TSTensor TS_Tensor_lerp(TSTensor a, TSTensor end, TSScalar w) { TS_TENSOR(at::lerp(*a, *end, ts_scalar(w))) }

// In-place arithmetic, the optimizers' vocabulary.
TS_EXPORT int32_t TS_Tensor_add_(TSTensor a, TSTensor b, TSScalar alpha) { TS_STATUS(a->add_(*b, ts_scalar(alpha))) }
TS_EXPORT int32_t TS_Tensor_sub_(TSTensor a, TSTensor b, TSScalar alpha) { TS_STATUS(a->sub_(*b, ts_scalar(alpha))) }
TS_EXPORT int32_t TS_Tensor_mul_(TSTensor a, TSTensor b) { TS_STATUS(a->mul_(*b)) }
TS_EXPORT int32_t TS_Tensor_div_(TSTensor a, TSTensor b) { TS_STATUS(a->div_(*b)) }
TS_EXPORT int32_t TS_Tensor_add_scalar_(TSTensor a, TSScalar b) { TS_STATUS(a->add_(ts_scalar(b))) }
TS_EXPORT int32_t TS_Tensor_mul_scalar_(TSTensor a, TSScalar b) { TS_STATUS(a->mul_(ts_scalar(b))) }
TS_EXPORT int32_t TS_Tensor_div_scalar_(TSTensor a, TSScalar b) { TS_STATUS(a->div_(ts_scalar(b))) }
TS_EXPORT int32_t TS_Tensor_fill_(TSTensor a, TSScalar v) { TS_STATUS(a->fill_(ts_scalar(v))) }
TS_EXPORT int32_t TS_Tensor_copy_(TSTensor a, TSTensor src) { TS_STATUS(a->copy_(*src)) }
TS_EXPORT int32_t TS_Tensor_addcmul_(TSTensor a, TSTensor t1, TSTensor t2, TSScalar v) {
  TS_STATUS(a->addcmul_(*t1, *t2, ts_scalar(v)))
}
TS_EXPORT int32_t TS_Tensor_addcdiv_(TSTensor a, TSTensor t1, TSTensor t2, TSScalar v) {
  TS_STATUS(a->addcdiv_(*t1, *t2, ts_scalar(v)))
}
TS_EXPORT int32_t TS_Tensor_lerp_(TSTensor a, TSTensor end, TSScalar w) { TS_STATUS(a->lerp_(*end, ts_scalar(w))) }
TS_EXPORT int32_t TS_Tensor_clamp_(TSTensor t, TSScalar min, int32_t has_min, TSScalar max, int32_t has_max) {
  TS_STATUS(t->clamp_(has_min ? c10::optional<at::Scalar>(ts_scalar(min)) : c10::nullopt,
                      has_max ? c10::optional<at::Scalar>(ts_scalar(max)) : c10::nullopt))
}
