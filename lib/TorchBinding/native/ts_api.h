// The C ABI of the shim: export macro, opaque handles, and the single error path.
//
// Every export is `extern "C"`, named TS_<Area>_<op>, and wraps its body in TS_TRY so that
// no C++ exception ever crosses into .NET. On failure an export stores the message
// (thread-locally) and returns nullptr (handle results) or -1 (status results); the C#
// side then calls TS_last_error() and throws a TorchException carrying the message.
#pragma once

#include <ATen/ATen.h>
#include <cstdint>
#include <string>
#include <vector>

#define TS_EXPORT extern "C" __attribute__((visibility("default")))

// A tensor handle is a heap-allocated at::Tensor (a refcounted pointer to a TensorImpl).
typedef at::Tensor* TSTensor;

// A scalar as .NET passes it: kind 0 = floating (d), 1 = integer (i), 2 = bool (i != 0).
struct TSScalar {
  double d;
  int64_t i;
  int32_t kind;
};

void ts_set_error(const char* message);

// Whether the calling thread is in a CPU autocast region (ts_autocast.cpp): kernels of our own that would otherwise
// decide an op's dtype themselves (the skinny linear one) step aside there.
bool ts_cpu_autocast_active();

// A defined, strided CPU float32 tensor: what the binding's own float kernels take (anything else goes to libtorch).
inline bool ts_cpu_float(const at::Tensor& t) {
  return t.defined() && t.device().is_cpu() && t.scalar_type() == at::kFloat && t.layout() == at::kStrided;
}

inline at::Scalar ts_scalar(TSScalar s) {
  switch (s.kind) {
    case 1: return at::Scalar(s.i);
    case 2: return at::Scalar(s.i != 0);
    default: return at::Scalar(s.d);
  }
}

inline at::IntArrayRef ts_dims(const int64_t* dims, int32_t n) { return at::IntArrayRef(dims, static_cast<size_t>(n)); }

inline at::TensorOptions ts_options(int32_t dtype, int32_t device_type, int32_t device_index) {
  return at::TensorOptions()
      .dtype(static_cast<at::ScalarType>(dtype))
      .device(at::Device(static_cast<at::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index)));
}

// A nullable handle as an optional tensor argument.
inline c10::optional<at::Tensor> ts_opt(TSTensor t) { return t ? c10::optional<at::Tensor>(*t) : c10::nullopt; }

inline std::vector<at::Tensor> ts_list(const TSTensor* ts, int32_t n) {
  std::vector<at::Tensor> v;
  v.reserve(static_cast<size_t>(n));
  for (int32_t k = 0; k < n; ++k) v.push_back(*ts[k]);
  return v;
}

inline TSTensor ts_new(at::Tensor t) { return new at::Tensor(std::move(t)); }

#define TS_CATCH(on_fail)                                          \
  catch (const c10::Error& e) {                                    \
    ts_set_error(e.what_without_backtrace());                      \
    on_fail;                                                       \
  }                                                                \
  catch (const std::exception& e) {                                \
    ts_set_error(e.what());                                        \
    on_fail;                                                       \
  }                                                                \
  catch (...) {                                                    \
    ts_set_error("unknown native exception in the libtorch shim"); \
    on_fail;                                                       \
  }

// For exports that return a new tensor handle (nullptr on error).
#define TS_TENSOR(...)          \
  try {                         \
    return ts_new(__VA_ARGS__); \
  }                             \
  TS_CATCH(return nullptr)

// For exports that return a status (0 ok, -1 error).
// Variadic so that a braced body containing commas is one argument.
#define TS_STATUS(...) \
  try {                \
    __VA_ARGS__;       \
    return 0;          \
  }                    \
  TS_CATCH(return -1)
