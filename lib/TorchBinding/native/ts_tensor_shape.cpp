// Views, joins and reshaping: https://pytorch.org/docs/stable/torch.html#indexing-slicing-joining-mutating-ops
#include "ts_api.h"

TS_EXPORT TSTensor TS_Tensor_view(TSTensor t, const int64_t* shape, int32_t n) { TS_TENSOR(t->view(ts_dims(shape, n))) }
TS_EXPORT TSTensor TS_Tensor_reshape(TSTensor t, const int64_t* shape, int32_t n) { TS_TENSOR(t->reshape(ts_dims(shape, n))) }
TS_EXPORT TSTensor TS_Tensor_transpose(TSTensor t, int64_t d0, int64_t d1) { TS_TENSOR(t->transpose(d0, d1)) }
TS_EXPORT TSTensor TS_Tensor_permute(TSTensor t, const int64_t* dims, int32_t n) { TS_TENSOR(t->permute(ts_dims(dims, n))) }
TS_EXPORT TSTensor TS_Tensor_squeeze(TSTensor t) { TS_TENSOR(t->squeeze()) }
TS_EXPORT TSTensor TS_Tensor_squeeze_dim(TSTensor t, int64_t dim) { TS_TENSOR(t->squeeze(dim)) }
TS_EXPORT TSTensor TS_Tensor_unsqueeze(TSTensor t, int64_t dim) { TS_TENSOR(t->unsqueeze(dim)) }
TS_EXPORT TSTensor TS_Tensor_expand(TSTensor t, const int64_t* shape, int32_t n) { TS_TENSOR(t->expand(ts_dims(shape, n))) }
TS_EXPORT TSTensor TS_Tensor_narrow(TSTensor t, int64_t dim, int64_t start, int64_t length) {
  TS_TENSOR(t->narrow(dim, start, length))
}
TS_EXPORT TSTensor TS_Tensor_select(TSTensor t, int64_t dim, int64_t index) { TS_TENSOR(t->select(dim, index)) }
TS_EXPORT TSTensor TS_Tensor_slice(TSTensor t, int64_t dim, int64_t start, int64_t end, int64_t step) {
  TS_TENSOR(t->slice(dim, start, end, step))
}
TS_EXPORT TSTensor TS_Tensor_flatten(TSTensor t, int64_t start, int64_t end) { TS_TENSOR(t->flatten(start, end)) }
TS_EXPORT TSTensor TS_Tensor_flip(TSTensor t, const int64_t* dims, int32_t n) { TS_TENSOR(t->flip(ts_dims(dims, n))) }
TS_EXPORT TSTensor TS_Tensor_repeat(TSTensor t, const int64_t* reps, int32_t n) { TS_TENSOR(t->repeat(ts_dims(reps, n))) }
TS_EXPORT TSTensor TS_Tensor_tril(TSTensor t, int64_t k) { TS_TENSOR(t->tril(k)) }
TS_EXPORT TSTensor TS_Tensor_triu(TSTensor t, int64_t k) { TS_TENSOR(t->triu(k)) }

TS_EXPORT TSTensor TS_Tensor_cat(const TSTensor* ts, int32_t n, int64_t dim) { TS_TENSOR(at::cat(ts_list(ts, n), dim)) }
TS_EXPORT TSTensor TS_Tensor_stack(const TSTensor* ts, int32_t n, int64_t dim) { TS_TENSOR(at::stack(ts_list(ts, n), dim)) }

namespace {
// Writes the pieces into `out` (capacity `cap`); returns their count, or -1 on error.
int32_t write_pieces(const std::vector<at::Tensor>& pieces, TSTensor* out, int32_t cap) {
  if (static_cast<int32_t>(pieces.size()) > cap) {
    ts_set_error("internal: more pieces than the caller's buffer holds");
    return -1;
  }
  for (size_t k = 0; k < pieces.size(); ++k) out[k] = ts_new(pieces[k]);
  return static_cast<int32_t>(pieces.size());
}
}  // namespace

TS_EXPORT int32_t TS_Tensor_chunk(TSTensor t, int64_t chunks, int64_t dim, TSTensor* out, int32_t cap) {
  try {
    return write_pieces(t->chunk(chunks, dim), out, cap);
  }
  TS_CATCH(return -1)
}
TS_EXPORT int32_t TS_Tensor_split(TSTensor t, int64_t size, int64_t dim, TSTensor* out, int32_t cap) {
  try {
    return write_pieces(t->split(size, dim), out, cap);
  }
  TS_CATCH(return -1)
}
TS_EXPORT int32_t TS_Tensor_split_sizes(TSTensor t, const int64_t* sizes, int32_t n, int64_t dim, TSTensor* out, int32_t cap) {
  try {
    return write_pieces(t->split_with_sizes(ts_dims(sizes, n), dim), out, cap);
  }
  TS_CATCH(return -1)
}
