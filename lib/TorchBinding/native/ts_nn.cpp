// torch.nn.functional: https://pytorch.org/docs/stable/nn.functional.html
#include "ts_api.h"
#include "ts_skinny_linear.h"

namespace {
c10::optional<at::ScalarType> opt_dtype(int32_t dtype) {
  return dtype < 0 ? c10::nullopt : c10::optional<at::ScalarType>(static_cast<at::ScalarType>(dtype));
}
}  // namespace

// A weight with few output rows (a tagger's emission layer) and no autograd takes the skinny kernel (ts_skinny_linear.h).
TS_EXPORT TSTensor TS_NN_linear(TSTensor x, TSTensor w, TSTensor b) {
  TS_TENSOR(ts_skinny_linear_applies(*x, *w, b) ? ts_skinny_linear(*x, *w, b) : at::linear(*x, *w, ts_opt(b)))
}
TS_EXPORT TSTensor TS_NN_embedding(TSTensor weight, TSTensor indices, int64_t padding_idx) {
  TS_TENSOR(at::embedding(*weight, *indices, padding_idx))
}
TS_EXPORT TSTensor TS_NN_softmax(TSTensor x, int64_t dim, int32_t dtype) { TS_TENSOR(at::softmax(*x, dim, opt_dtype(dtype))) }
TS_EXPORT TSTensor TS_NN_log_softmax(TSTensor x, int64_t dim, int32_t dtype) {
  TS_TENSOR(at::log_softmax(*x, dim, opt_dtype(dtype)))
}
TS_EXPORT TSTensor TS_NN_dropout(TSTensor x, double p, int32_t train) { TS_TENSOR(at::dropout(*x, p, train != 0)) }
TS_EXPORT TSTensor TS_NN_layer_norm(TSTensor x, const int64_t* shape, int32_t n, TSTensor w, TSTensor b, double eps) {
  TS_TENSOR(at::layer_norm(*x, ts_dims(shape, n), ts_opt(w), ts_opt(b), eps))
}
// reduction: 0 none, 1 mean, 2 sum (at::Reduction::Reduction).
TS_EXPORT TSTensor TS_NN_cross_entropy(TSTensor input, TSTensor target, TSTensor weight, int64_t reduction, int64_t ignore_index,
                                       double label_smoothing) {
  TS_TENSOR(at::cross_entropy_loss(*input, *target, ts_opt(weight), reduction, ignore_index, label_smoothing))
}
TS_EXPORT TSTensor TS_NN_nll_loss(TSTensor input, TSTensor target, TSTensor weight, int64_t reduction, int64_t ignore_index) {
  TS_TENSOR(at::nll_loss_nd(*input, *target, ts_opt(weight), reduction, ignore_index))
}
TS_EXPORT TSTensor TS_NN_binary_cross_entropy_with_logits(TSTensor input, TSTensor target, TSTensor weight, TSTensor pos_weight,
                                                          int64_t reduction) {
  TS_TENSOR(at::binary_cross_entropy_with_logits(*input, *target, ts_opt(weight), ts_opt(pos_weight), reduction))
}
TS_EXPORT TSTensor TS_NN_mse_loss(TSTensor input, TSTensor target, int64_t reduction) {
  TS_TENSOR(at::mse_loss(*input, *target, reduction))
}
TS_EXPORT TSTensor TS_NN_pad(TSTensor x, const int64_t* pad, int32_t n, double value) {
  TS_TENSOR(at::constant_pad_nd(*x, ts_dims(pad, n), value))
}
