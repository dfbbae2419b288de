// Pieces shared by the fused recurrent kernels (ts_nn_fused_lstm.cpp, ts_nn_fused_gru.cpp): the
// vectorised sigmoid, per-step activity masks for padded batches, sequence reversal, and running the
// two directions of a bidirectional layer on two threads with OpenBLAS at one thread.
#pragma once

#include <ATen/ATen.h>

#include <dlfcn.h>

#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

namespace ts::recurrent {

// x <- 1 / (1 + exp(-x)) over n floats, vectorised (relative error below float precision).
void sigmoid_inplace(float* x, int64_t n);

// (T * B) flags, step-major: whether sequence b is still running at step t.
std::vector<uint8_t> active_mask(const std::vector<int64_t>& lengths, int64_t T);

// The same from a (B) int64 tensor of lengths (as autograd functions save them).
inline std::vector<uint8_t> active_mask(const at::Tensor& lengths, int64_t T) {
  const int64_t* p = lengths.data_ptr<int64_t>();
  return active_mask(std::vector<int64_t>(p, p + lengths.size(0)), T);
}

// (T, B) index that reverses each sequence within its length (positions past it stay put).
inline at::Tensor reversal_index(int64_t T, int64_t B, const std::vector<int64_t>& len) {
  at::Tensor idx = at::empty({T, B}, at::kLong);
  int64_t* p = idx.data_ptr<int64_t>();
  for (int64_t t = 0; t < T; ++t)
    for (int64_t b = 0; b < B; ++b) p[t * B + b] = t < len[b] ? len[b] - 1 - t : t;
  return idx;
}

// Per-sequence lengths (all T when null), each checked to lie in [1, T].
inline std::vector<int64_t> checked_lengths(const int64_t* lengths, int64_t B, int64_t T) {
  std::vector<int64_t> len(static_cast<size_t>(B), T);
  if (lengths)
    for (int64_t b = 0; b < B; ++b) {
      TORCH_CHECK(lengths[b] >= 1 && lengths[b] <= T, "fused recurrence: length ", lengths[b], " outside [1, ", T, "]");
      len[b] = lengths[b];
    }
  return len;
}

// OpenBLAS at one thread while alive: the recurrence's products are small (B x H by H x 4H or 3H), and
// measured here waking BLAS worker threads for each of them costs more than it gains (a unidirectional
// step ran ~1.6x slower with 2 BLAS threads than with 1).
class SingleThreadedBlas {
 public:
  SingleThreadedBlas()
      : get_(reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"))),
        set_(reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))),
        saved_(get_ ? get_() : 1) {
    if (set_ && saved_ != 1) set_(1);
  }
  ~SingleThreadedBlas() {
    if (set_ && saved_ != 1) set_(saved_);
  }
  SingleThreadedBlas(const SingleThreadedBlas&) = delete;
  SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;

 private:
  int (*get_)();
  void (*set_)(int);
  int saved_;
};

// Runs `first` here and `second` on a second thread when the machine has two cores or more: the
// two directions of a bidirectional layer are independent and each keeps one core busy.
template <typename F1, typename F2>
void in_parallel(F1 first, F2 second) {
  SingleThreadedBlas blas;
  if (std::thread::hardware_concurrency() < 2) {
    first();
    second();
    return;
  }
  std::exception_ptr error;
  std::thread worker([&] {
    try {
      second();
    } catch (...) {
      error = std::current_exception();
    }
  });
  try {
    first();
  } catch (...) {
    worker.join();
    throw;
  }
  worker.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace ts::recurrent
