// CUDA autocast (mixed precision), as torch.autocast("cuda", dtype=...) enters and leaves it. The state is
// thread-local in libtorch: the region covers the calling thread's forward pass.
#include "ts_api.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

// libtorch 2.4 replaced the CUDA-only setters by ones taking the device type.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define TS_AUTOCAST_BY_DEVICE 1
#endif

namespace {
bool cuda_enabled() {
#ifdef TS_AUTOCAST_BY_DEVICE
  return at::autocast::is_autocast_enabled(at::kCUDA);
#else
  return at::autocast::is_enabled();
#endif
}
at::ScalarType cuda_dtype() {
#ifdef TS_AUTOCAST_BY_DEVICE
  return at::autocast::get_autocast_dtype(at::kCUDA);
#else
  return at::autocast::get_autocast_gpu_dtype();
#endif
}
void set_cuda(bool enabled, at::ScalarType dtype) {
#ifdef TS_AUTOCAST_BY_DEVICE
  at::autocast::set_autocast_enabled(at::kCUDA, enabled);
  at::autocast::set_autocast_dtype(at::kCUDA, dtype);
#else
  at::autocast::set_enabled(enabled);
  at::autocast::set_autocast_gpu_dtype(dtype);
#endif
}
}  // namespace

// Enters a region: CUDA ops eligible for lower precision run in `dtype`; the previous state comes back for the exit.
TS_EXPORT int32_t TS_autocast_cuda_enter(int32_t dtype, int32_t* prev_enabled, int32_t* prev_dtype) {
  TS_STATUS(
    *prev_enabled = cuda_enabled() ? 1 : 0;
    *prev_dtype = static_cast<int32_t>(cuda_dtype());
    set_cuda(true, static_cast<at::ScalarType>(dtype));
    at::autocast::increment_nesting();)
}

// Leaves a region: restores the previous state; the outermost exit drops the cache of lower-precision weight copies.
TS_EXPORT int32_t TS_autocast_cuda_exit(int32_t prev_enabled, int32_t prev_dtype) {
  TS_STATUS(
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    set_cuda(prev_enabled != 0, static_cast<at::ScalarType>(prev_dtype));)
}

TS_EXPORT int32_t TS_autocast_cuda_is_enabled() { return cuda_enabled() ? 1 : 0; }
