// Process-wide runtime: version, seeds, threads (libtorch and the BLAS it loaded), devices.
#include "ts_api.h"

#include <ATen/Parallel.h>
#include <ATen/Context.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Version.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <mutex>
#include <string>
#include <torch/version.h>
#include <dlfcn.h>
#include <cstring>

#if __has_include(<torch/cuda.h>)
#include <torch/cuda.h>
#define TS_HAS_TORCH_CUDA_H 1
#endif

TS_EXPORT const char* TS_version() { return TORCH_VERSION; }

// libtorch's build configuration, as torch.__config__.show() prints it (compiler, BLAS, CUDA runtime, ...).
TS_EXPORT const char* TS_show_config() {
  static std::string config;
  static std::once_flag once;
  std::call_once(once, [] {
    try { config = at::show_config(); } catch (const std::exception& e) { config = std::string("unavailable: ") + e.what(); }
  });
  return config.c_str();
}

// cuDNN's version as a number (e.g. 90100), or 0 without CUDA or cuDNN; as torch.backends.cudnn.version().
TS_EXPORT int64_t TS_cudnn_version() {
  try {
    const auto& hooks = at::detail::getCUDAHooks();
    return hooks.hasCUDA() && hooks.hasCuDNN() ? static_cast<int64_t>(hooks.versionCuDNN()) : 0;
  } catch (...) {
    return 0;
  }
}

TS_EXPORT int32_t TS_manual_seed(int64_t seed) { TS_STATUS(at::manual_seed(static_cast<uint64_t>(seed))) }

TS_EXPORT int32_t TS_set_num_threads(int32_t n) { TS_STATUS(at::set_num_threads(n)) }
TS_EXPORT int32_t TS_get_num_threads() { return at::get_num_threads(); }
// libtorch allows this only once, before any inter-op work started; errors come back as usual.
TS_EXPORT int32_t TS_set_num_interop_threads(int32_t n) { TS_STATUS(at::set_num_interop_threads(n)) }
TS_EXPORT int32_t TS_get_num_interop_threads() { return at::get_num_interop_threads(); }

// The BLAS behind libblas.so.3 is chosen by Debian's alternatives, not by libtorch, so we find
// OpenBLAS's controls by symbol at run time: absent symbols mean "not OpenBLAS" (-1 / nullptr).
namespace {
template <typename F>
F blas_symbol(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_DEFAULT, name));
}
}  // namespace

TS_EXPORT int32_t TS_blas_set_num_threads(int32_t n) {
  auto set = blas_symbol<void (*)(int)>("openblas_set_num_threads");
  if (!set) return -1;
  set(n);
  return 0;
}

TS_EXPORT int32_t TS_blas_get_num_threads() {
  auto get = blas_symbol<int (*)()>("openblas_get_num_threads");
  return get ? get() : -1;
}

// The worker-thread spin time OpenBLAS read from OPENBLAS_THREAD_TIMEOUT at load (0: its default), -1 when not OpenBLAS.
TS_EXPORT int32_t TS_blas_thread_timeout() {
  auto timeout = blas_symbol<int (*)()>("openblas_thread_timeout");
  return timeout ? timeout() : -1;
}

namespace {
// Path of the shared library that provides sgemm_ (whatever libblas.so.3 resolved to), or "".
const char* loaded_blas_path() {
  static thread_local std::string path;
  Dl_info info;
  auto any = dlsym(RTLD_DEFAULT, "sgemm_");
  path = any && dladdr(any, &info) && info.dli_fname ? info.dli_fname : "";
  return path.c_str();
}
}  // namespace

// "OpenBLAS 0.3.21 ... " from openblas_get_config, else the path of the loaded BLAS, else "unknown".
TS_EXPORT const char* TS_blas_config() {
  auto config = blas_symbol<char* (*)()>("openblas_get_config");
  if (config) return config();
  const char* path = loaded_blas_path();
  return *path ? path : "unknown";
}

TS_EXPORT const char* TS_blas_library_path() { return loaded_blas_path(); }

// The kernel family OpenBLAS runs ("Haswell", "SkylakeX", ...), or "" when the BLAS is not OpenBLAS.
TS_EXPORT const char* TS_blas_corename() {
  auto corename = blas_symbol<char* (*)()>("openblas_get_corename");
  return corename ? corename() : "";
}

TS_EXPORT int32_t TS_cuda_is_available() {
  try {
#ifdef TS_HAS_TORCH_CUDA_H
    return torch::cuda::is_available() ? 1 : 0;
#else
    return at::hasCUDA() ? 1 : 0;
#endif
  }
  TS_CATCH(return 0)
}

TS_EXPORT int32_t TS_cuda_device_count() {
  try {
#ifdef TS_HAS_TORCH_CUDA_H
    return static_cast<int32_t>(torch::cuda::device_count());
#else
    return 0;
#endif
  }
  TS_CATCH(return 0)
}

TS_EXPORT int32_t TS_cuda_synchronize(int32_t device) {
  TS_STATUS(
#ifdef TS_HAS_TORCH_CUDA_H
      torch::cuda::synchronize(device)
#endif
  )
}

TS_EXPORT int32_t TS_has_mkldnn() { return at::hasMKLDNN() ? 1 : 0; }
TS_EXPORT const char* TS_parallel_info() {
  static thread_local std::string info;
  info = at::get_parallel_info();
  return info.c_str();
}

// The default CPU generator's state (a uint8 tensor), for exact resume of training.
TS_EXPORT TSTensor TS_get_rng_state() {
  try {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    return ts_new(gen.get_state());
  }
  TS_CATCH(return nullptr)
}

TS_EXPORT int32_t TS_set_rng_state(TSTensor state) {
  TS_STATUS({
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(*state);
  })
}
