// Pieces shared by the fused recurrent kernels (ts_nn_fused_lstm.cpp, ts_nn_fused_gru.cpp): the
// vectorised sigmoid, per-step activity masks for padded batches, sequence reversal and the
// bidirectional output, the per-step W_hh product (packed or ATen), the checked layer input, and running
// the two directions of a bidirectional layer on two threads with OpenBLAS at one thread.
#pragma once

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/impl/LocalDispatchKeySet.h>

#include "ts_small_gemm.h"
#include "ts_split_work.h"

#include <dlfcn.h>

#include <cstdint>
#include <exception>
#include <optional>
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

// The step a sequence of `length` reads at step t when reversed within its length (steps past it stay put).
inline int64_t reversed_step(int64_t t, int64_t length) { return t < length ? length - 1 - t : t; }

// (T, B, F) with each sequence's first len[b] steps in reverse order (positions past it stay put); its own inverse, and
// differentiable: the gradient is the same reversal. Row copies, where a gather over an expanded (T, B, F) index (and its
// scatter-add backward) cost a few percent of a BiLSTM-CRF training step (`lab bench bilstm-crf --profile`).
at::Tensor reversed_in_length(const at::Tensor& x, const std::vector<int64_t>& len);

// A bidirectional layer's batch-first output (B, T, 2H) from the forward direction's (T, B, H) and the reverse
// direction's, which ran on the reversed sequences: one pass that places both halves (the reverse one un-reversed),
// differentiable.
at::Tensor bidirectional_output(const at::Tensor& out_f, const at::Tensor& out_b_reversed, const std::vector<int64_t>& len);

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

// The per-step product with W_hh (G x H, G = 3H or 4H) over one call: forward, gates (B x G) += h (B x H) W_hh^T;
// backward, dh (B x H) = dG (B x G) W_hh. W_hh is packed once for the packed AVX-512 product when the CPU and
// the shape allow (the result's width a multiple of 32), else each step is an ATen product.
class StepProduct {
 public:
  static StepProduct to_gates(const at::Tensor& w_hh) { return StepProduct(w_hh, true); }
  static StepProduct to_hidden(const at::Tensor& w_hh) { return StepProduct(w_hh, false); }

  // c = (accumulate ? c : 0) + a . (W_hh^T or W_hh); a and c contiguous rows.
  void apply(const at::Tensor& a, at::Tensor c, bool accumulate) const {
    if (packed_) packed_->multiply(a.size(0), a.data_ptr<float>(), a.size(1), c.data_ptr<float>(), c.size(1), accumulate);
    else if (accumulate) c.addmm_(a, matrix_);
    else at::mm_out(c, a, matrix_);
  }

  // The same on raw rows (rows x a_cols and rows x c_cols floats): the step loops address their time slices by pointer,
  // since a select per slice and step is an ATen op each (hundreds per sequence batch).
  void apply(int64_t rows, const float* a, int64_t a_cols, float* c, int64_t c_cols, bool accumulate) const {
    if (packed_) {
      packed_->multiply(rows, a, a_cols, c, c_cols, accumulate);
      return;
    }
    auto opts = at::TensorOptions().dtype(at::kFloat);
    apply(at::from_blob(const_cast<float*>(a), {rows, a_cols}, opts), at::from_blob(c, {rows, c_cols}, opts), accumulate);
  }

 private:
  StepProduct(const at::Tensor& w_hh, bool to_gates) : w_(w_hh.contiguous()), matrix_(to_gates ? w_.t() : w_) {
    const int64_t G = w_.size(0), H = w_.size(1), N = to_gates ? G : H;
    if (ts::PackedGemm::available() && N % 32 == 0) {
      // element (k, j): W_hh[j][k] for the gates, W_hh[k][j] for the hidden state
      if (to_gates) packed_.emplace(w_.data_ptr<float>(), H, G, 1, H);
      else packed_.emplace(w_.data_ptr<float>(), G, H, H, 1);
    }
  }

  at::Tensor w_, matrix_;
  std::optional<ts::PackedGemm> packed_;
};

// A fused layer's input: batch-first (B, T, I) CPU float32 made time-major, with its checked lengths.
struct LayerInput {
  at::Tensor x;  // (T, B, I)
  std::vector<int64_t> len;
  at::Tensor len_t;  // the lengths as a (B) int64 tensor, for autograd functions to save
};

// The fused kernels compute in float32 inside an autocast region too (the caller hands them a float32 input): their
// products are chains of small steps that bfloat16 would not speed up and whose rounding would compound. Held for the
// kernel's call, this keeps autocast from recasting the products they make through ATen (input projections).
struct NoAutocast {
  c10::impl::ExcludeDispatchKeyGuard guard{c10::autocast_dispatch_keyset};
};

inline LayerInput layer_input(const at::Tensor& in, const int64_t* lengths, const char* kernel) {
  TORCH_CHECK(in.dim() == 3, kernel, ": expected a 3-D (batch, time, features) input, got ", in.dim(), "-D");
  TORCH_CHECK(in.device().is_cpu() && in.scalar_type() == at::kFloat, kernel, ": CPU float32 only");
  LayerInput li;
  li.len = checked_lengths(lengths, in.size(0), in.size(1));
  li.len_t = at::tensor(li.len, at::kLong);
  li.x = in.transpose(0, 1).contiguous();
  return li;
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
  // With libtorch's pool at two threads or more (CPU bfloat16 training gives it the cores), one of its workers runs the
  // second direction: a thread of our own would compete with them, spinning between operators (BERT-BiLSTM-CRF steps
  // took 14.8 s against 10.7 s in float32 that way).
  if (at::get_num_threads() >= 2 && !at::in_parallel_region()) {
    at::parallel_for(0, 2, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) i == 0 ? first() : second();
    });
    return;
  }
  on_two_threads(first, second);
}

}  // namespace ts::recurrent
