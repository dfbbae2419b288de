// Autocast (mixed precision), as torch.autocast("cuda" or "cpu", dtype=...) enters and leaves it. The state is
// thread-local in libtorch: the region covers the calling thread's forward pass.
#include "ts_api.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

// libtorch 2.4 replaced the per-device setters (set_enabled / set_cpu_enabled, ...) by ones taking the device type.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define TS_AUTOCAST_BY_DEVICE 1
#endif

namespace {
bool enabled(bool cuda) {
#ifdef TS_AUTOCAST_BY_DEVICE
  return at::autocast::is_autocast_enabled(cuda ? at::kCUDA : at::kCPU);
#else
  return cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}
at::ScalarType dtype_of(bool cuda) {
#ifdef TS_AUTOCAST_BY_DEVICE
  return at::autocast::get_autocast_dtype(cuda ? at::kCUDA : at::kCPU);
#else
  return cuda ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
}
void set(bool cuda, bool on, at::ScalarType dtype) {
#ifdef TS_AUTOCAST_BY_DEVICE
  at::autocast::set_autocast_enabled(cuda ? at::kCUDA : at::kCPU, on);
  at::autocast::set_autocast_dtype(cuda ? at::kCUDA : at::kCPU, dtype);
#else
  if (cuda) {
    at::autocast::set_enabled(on);
    at::autocast::set_autocast_gpu_dtype(dtype);
  } else {
    at::autocast::set_cpu_enabled(on);
    at::autocast::set_autocast_cpu_dtype(dtype);
  }
#endif
}
}  // namespace

// Enters a region on CUDA (cuda = 1) or the CPU (0): ops eligible for lower precision run in `dtype`; the previous
// state comes back for the exit.
TS_EXPORT int32_t TS_autocast_enter(int32_t cuda, int32_t dtype, int32_t* prev_enabled, int32_t* prev_dtype) {
  TS_STATUS(
    *prev_enabled = enabled(cuda != 0) ? 1 : 0;
    *prev_dtype = static_cast<int32_t>(dtype_of(cuda != 0));
    set(cuda != 0, true, static_cast<at::ScalarType>(dtype));
    at::autocast::increment_nesting();)
}

// Leaves a region: restores the previous state; the outermost exit drops the cache of lower-precision weight copies.
TS_EXPORT int32_t TS_autocast_exit(int32_t cuda, int32_t prev_enabled, int32_t prev_dtype) {
  TS_STATUS(
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    set(cuda != 0, prev_enabled != 0, static_cast<at::ScalarType>(prev_dtype));)
}

TS_EXPORT int32_t TS_autocast_is_enabled(int32_t cuda) { return enabled(cuda != 0) ? 1 : 0; }

bool ts_cpu_autocast_active() { return enabled(false); }
