// Tensor creation: https://pytorch.org/docs/stable/torch.html#creation-ops
#include "ts_api.h"

#define TS_OPTS ts_options(dtype, device_type, device_index)

namespace {
// ATen factories ignore TensorOptions::requires_grad (only torch:: factories honour it), so the
// flag is set on the result instead.
at::Tensor with_grad(at::Tensor t, int32_t requires_grad) {
  if (requires_grad) t.set_requires_grad(true);
  return t;
}
}  // namespace
#define TS_FACTORY_ARGS int32_t dtype, int32_t device_type, int32_t device_index, int32_t requires_grad

TS_EXPORT TSTensor TS_Tensor_empty(const int64_t* shape, int32_t ndim, TS_FACTORY_ARGS) {
  TS_TENSOR(with_grad(at::empty(ts_dims(shape, ndim), TS_OPTS), requires_grad))
}
TS_EXPORT TSTensor TS_Tensor_zeros(const int64_t* shape, int32_t ndim, TS_FACTORY_ARGS) {
  TS_TENSOR(with_grad(at::zeros(ts_dims(shape, ndim), TS_OPTS), requires_grad))
}
TS_EXPORT TSTensor TS_Tensor_ones(const int64_t* shape, int32_t ndim, TS_FACTORY_ARGS) {
  TS_TENSOR(with_grad(at::ones(ts_dims(shape, ndim), TS_OPTS), requires_grad))
}
TS_EXPORT TSTensor TS_Tensor_full(const int64_t* shape, int32_t ndim, TSScalar value, TS_FACTORY_ARGS) {
  TS_TENSOR(with_grad(at::full(ts_dims(shape, ndim), ts_scalar(value), TS_OPTS), requires_grad))
}
TS_EXPORT TSTensor TS_Tensor_eye(int64_t n, int64_t m, TS_FACTORY_ARGS) { TS_TENSOR(with_grad(at::eye(n, m, TS_OPTS), requires_grad)) }
TS_EXPORT TSTensor TS_Tensor_arange(TSScalar start, TSScalar end, TSScalar step, TS_FACTORY_ARGS) {
  TS_TENSOR(with_grad(at::arange(ts_scalar(start), ts_scalar(end), ts_scalar(step), TS_OPTS), requires_grad))
}
TS_EXPORT TSTensor TS_Tensor_linspace(double start, double end, int64_t steps, TS_FACTORY_ARGS) {
  TS_TENSOR(with_grad(at::linspace(start, end, steps, TS_OPTS), requires_grad))
}
TS_EXPORT TSTensor TS_Tensor_rand(const int64_t* shape, int32_t ndim, TS_FACTORY_ARGS) {
  TS_TENSOR(with_grad(at::rand(ts_dims(shape, ndim), TS_OPTS), requires_grad))
}
TS_EXPORT TSTensor TS_Tensor_randn(const int64_t* shape, int32_t ndim, TS_FACTORY_ARGS) {
  TS_TENSOR(with_grad(at::randn(ts_dims(shape, ndim), TS_OPTS), requires_grad))
}
TS_EXPORT TSTensor TS_Tensor_randint(int64_t low, int64_t high, const int64_t* shape, int32_t ndim, TS_FACTORY_ARGS) {
  TS_TENSOR(with_grad(at::randint(low, high, ts_dims(shape, ndim), TS_OPTS), requires_grad))
}
TS_EXPORT TSTensor TS_Tensor_randperm(int64_t n, TS_FACTORY_ARGS) { TS_TENSOR(with_grad(at::randperm(n, TS_OPTS), requires_grad)) }

// Copies `nbytes` of host data laid out as `dtype` with the given shape into a new CPU tensor
// (then moved to the device). The caller's buffer is not retained.
TS_EXPORT TSTensor TS_Tensor_from_data(const void* data, const int64_t* shape, int32_t ndim, TS_FACTORY_ARGS) {
  try {
    auto cpu = at::empty(ts_dims(shape, ndim), at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)));
    std::memcpy(cpu.data_ptr(), data, cpu.nbytes());
    auto t = cpu.to(at::Device(static_cast<at::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index)));
    if (requires_grad) t.set_requires_grad(true);
    return ts_new(t);
  }
  TS_CATCH(return nullptr)
}

// In-place random fills (used by initialisers).
TS_EXPORT int32_t TS_Tensor_uniform_(TSTensor t, double from, double to) { TS_STATUS(t->uniform_(from, to)) }
TS_EXPORT int32_t TS_Tensor_normal_(TSTensor t, double mean, double std) { TS_STATUS(t->normal_(mean, std)) }
TS_EXPORT int32_t TS_Tensor_bernoulli_(TSTensor t, double p) { TS_STATUS(t->bernoulli_(p)) }
TS_EXPORT TSTensor TS_Tensor_multinomial(TSTensor probs, int64_t n, int32_t replacement) {
  TS_TENSOR(at::multinomial(*probs, n, replacement != 0))
}
