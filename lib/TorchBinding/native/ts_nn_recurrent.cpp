// LSTM and GRU over libtorch's fused kernels, with PyTorch's packed-sequence semantics for
// padded batches of different lengths (nn.utils.rnn.pack_padded_sequence, enforce_sorted=False).
#include "ts_api.h"

#include <algorithm>
#include <numeric>

namespace {

struct Packing {
  at::Tensor sorted;    // batch order by decreasing length
  at::Tensor unsorted;  // inverse permutation
  at::Tensor lengths;   // sorted lengths, CPU int64
};

Packing sort_by_length(const int64_t* lengths, int64_t batch, const at::Device& device) {
  std::vector<int64_t> order(static_cast<size_t>(batch));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return lengths[x] > lengths[y]; });
  std::vector<int64_t> inverse(order.size()), sorted_lengths(order.size());
  for (size_t k = 0; k < order.size(); ++k) {
    inverse[static_cast<size_t>(order[k])] = static_cast<int64_t>(k);
    sorted_lengths[k] = lengths[order[k]];
    if (sorted_lengths[k] < 1) throw std::invalid_argument("rnn: every sequence length must be at least 1");
  }
  auto longs = at::TensorOptions().dtype(at::kLong);
  Packing p;
  p.sorted = at::tensor(order, longs).to(device);
  p.unsorted = at::tensor(inverse, longs).to(device);
  p.lengths = at::tensor(sorted_lengths, longs);
  return p;
}

at::Tensor zeros_state(const at::Tensor& input, int64_t layers_x_dirs, int64_t batch, int64_t hidden) {
  return at::zeros({layers_x_dirs, batch, hidden}, input.options());
}

}  // namespace

// input: (B, T, I) when batch_first else (T, B, I). h0/c0: (layers*dirs, B, H) or null for zeros.
// lengths: B entries or null (all sequences full length). Outputs: output (B, T, dirs*H) (or
// time-first), h_n and c_n (layers*dirs, B, H); padded steps of the output are zero.
TS_EXPORT int32_t TS_NN_lstm(TSTensor input, TSTensor h0, TSTensor c0, const TSTensor* params, int32_t nparams,
                             int32_t has_biases, int64_t num_layers, double dropout, int32_t train, int32_t bidirectional,
                             int32_t batch_first, const int64_t* lengths, int64_t hidden_size, TSTensor* output,
                             TSTensor* h_n, TSTensor* c_n) {
  TS_STATUS({
    const at::Tensor& x = *input;
    TORCH_CHECK(x.dim() == 3, "lstm: expected a 3-D input, got ", x.dim(), "-D");
    const int64_t batch_dim = batch_first ? 0 : 1, batch = x.size(batch_dim), time = x.size(1 - batch_dim);
    const int64_t states = num_layers * (bidirectional ? 2 : 1);
    at::Tensor h = h0 ? *h0 : zeros_state(x, states, batch, hidden_size);
    at::Tensor c = c0 ? *c0 : zeros_state(x, states, batch, hidden_size);
    auto weights = ts_list(params, nparams);
    if (!lengths) {
      auto r = at::lstm(x, {h, c}, weights, has_biases != 0, num_layers, dropout, train != 0, bidirectional != 0,
                        batch_first != 0);
      *output = ts_new(std::get<0>(r));
      *h_n = ts_new(std::get<1>(r));
      *c_n = ts_new(std::get<2>(r));
      return 0;
    }
    Packing p = sort_by_length(lengths, batch, x.device());
    auto packed = at::_pack_padded_sequence(x.index_select(batch_dim, p.sorted), p.lengths, batch_first != 0);
    auto r = at::lstm(std::get<0>(packed), std::get<1>(packed), {h.index_select(1, p.sorted), c.index_select(1, p.sorted)},
                      weights, has_biases != 0, num_layers, dropout, train != 0, bidirectional != 0);
    auto padded = at::_pad_packed_sequence(std::get<0>(r), std::get<1>(packed), batch_first != 0, 0.0, time);
    *output = ts_new(std::get<0>(padded).index_select(batch_dim, p.unsorted));
    *h_n = ts_new(std::get<1>(r).index_select(1, p.unsorted));
    *c_n = ts_new(std::get<2>(r).index_select(1, p.unsorted));
  })
}

// As TS_NN_lstm, without a cell state.
TS_EXPORT int32_t TS_NN_gru(TSTensor input, TSTensor h0, const TSTensor* params, int32_t nparams, int32_t has_biases,
                            int64_t num_layers, double dropout, int32_t train, int32_t bidirectional, int32_t batch_first,
                            const int64_t* lengths, int64_t hidden_size, TSTensor* output, TSTensor* h_n) {
  TS_STATUS({
    const at::Tensor& x = *input;
    TORCH_CHECK(x.dim() == 3, "gru: expected a 3-D input, got ", x.dim(), "-D");
    const int64_t batch_dim = batch_first ? 0 : 1, batch = x.size(batch_dim), time = x.size(1 - batch_dim);
    const int64_t states = num_layers * (bidirectional ? 2 : 1);
    at::Tensor h = h0 ? *h0 : zeros_state(x, states, batch, hidden_size);
    auto weights = ts_list(params, nparams);
    if (!lengths) {
      auto r = at::gru(x, h, weights, has_biases != 0, num_layers, dropout, train != 0, bidirectional != 0, batch_first != 0);
      *output = ts_new(std::get<0>(r));
      *h_n = ts_new(std::get<1>(r));
      return 0;
    }
    Packing p = sort_by_length(lengths, batch, x.device());
    auto packed = at::_pack_padded_sequence(x.index_select(batch_dim, p.sorted), p.lengths, batch_first != 0);
    auto r = at::gru(std::get<0>(packed), std::get<1>(packed), h.index_select(1, p.sorted), weights, has_biases != 0,
                     num_layers, dropout, train != 0, bidirectional != 0);
    auto padded = at::_pad_packed_sequence(std::get<0>(r), std::get<1>(packed), batch_first != 0, 0.0, time);
    *output = ts_new(std::get<0>(padded).index_select(batch_dim, p.unsorted));
    *h_n = ts_new(std::get<1>(r).index_select(1, p.unsorted));
  })
}
