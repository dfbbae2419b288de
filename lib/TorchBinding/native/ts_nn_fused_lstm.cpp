// A fused single-layer LSTM for CPU float32 with its own backward: one matrix product per time step
// (input projections for all steps are one product up front) and the gate arithmetic in one
// vectorisable loop, instead of libtorch's per-step graph of small autograd ops. Semantics equal
// nn.LSTM over packed sequences: each sequence runs to its own length, padded outputs are zero,
// h_n/c_n are the states at each sequence's last real step, the reverse direction starts there.
#include "ts_api.h"
#include "ts_fused_recurrent.h"

#include <torch/csrc/autograd/custom_function.h>

#include <array>
#include <cstring>

namespace {

using namespace ts::recurrent;

// One time step of the gate arithmetic for `batch` rows. g: pre-activations [i|f|g|o] (rows x 4H),
// overwritten with the activations; writes c, tanh(c), h and the (zero when inactive) output.
// tanh(x) = 2 sigmoid(2x) - 1, so every activation is one vectorised sigmoid pass.
__attribute__((target_clones("avx512f", "avx2", "default")))
void cell_forward(int64_t batch, int64_t H, float* __restrict g, const float* __restrict c_prev, const float* __restrict h_prev,
                  float* __restrict c, float* __restrict tc, float* __restrict h, float* __restrict out, const uint8_t* active,
                  int64_t out_stride) {
  for (int64_t b = 0; b < batch; ++b) {
    float* gb = g + b * 4 * H;
    const float* cp = c_prev + b * H;
    float *cb = c + b * H, *tb = tc + b * H, *hb = h + b * H, *ob = out + b * out_stride;
    if (!active[b]) {
      std::memcpy(cb, cp, H * sizeof(float));
      std::memcpy(hb, h_prev + b * H, H * sizeof(float));
      std::memset(ob, 0, H * sizeof(float));
      std::memset(tb, 0, H * sizeof(float));
      std::memset(gb, 0, 4 * H * sizeof(float));
      continue;
    }
    float* gg = gb + 2 * H;
    for (int64_t j = 0; j < H; ++j) gg[j] *= 2.f;
    sigmoid_inplace(gb, 4 * H);
    for (int64_t j = 0; j < H; ++j) {
      gg[j] = 2.f * gg[j] - 1.f;
      float cc = gb[H + j] * cp[j] + gb[j] * gg[j];
      cb[j] = cc;
      tb[j] = 2.f * cc;
    }
    sigmoid_inplace(tb, H);
    const float* o = gb + 3 * H;
    for (int64_t j = 0; j < H; ++j) {
      float t = 2.f * tb[j] - 1.f;
      tb[j] = t;
      hb[j] = o[j] * t;
      ob[j] = o[j] * t;
    }
  }
}

// Backward through one step's gate arithmetic: from dh (incoming), dc_next and the saved
// activations, the pre-activation gradients dG and the new dc_next (in place). Inactive rows pass
// their state gradients through and get dG = 0.
__attribute__((target_clones("avx512f", "avx2", "default")))
void cell_backward(int64_t batch, int64_t H, const float* __restrict act, const float* __restrict c_prev, const float* __restrict tc,
                   const float* __restrict dh_next, const float* __restrict dout, float* __restrict dc_next, float* __restrict dG,
                   const uint8_t* active) {
  for (int64_t b = 0; b < batch; ++b) {
    float* dg = dG + b * 4 * H;
    if (!active[b]) {
      std::memset(dg, 0, 4 * H * sizeof(float));
      continue;
    }
    const float* a = act + b * 4 * H;
    const float *cp = c_prev + b * H, *t = tc + b * H, *dhn = dh_next + b * H, *dob = dout + b * H;
    float* dcn = dc_next + b * H;
    for (int64_t j = 0; j < H; ++j) {
      float i = a[j], f = a[H + j], gg = a[2 * H + j], o = a[3 * H + j];
      float dh = dhn[j] + dob[j];
      float dc = dcn[j] + dh * o * (1.f - t[j] * t[j]);
      dg[j] = dc * gg * i * (1.f - i);
      dg[H + j] = dc * cp[j] * f * (1.f - f);
      dg[2 * H + j] = dc * i * (1.f - gg * gg);
      dg[3 * H + j] = dh * t[j] * o * (1.f - o);
      dcn[j] = dc * f;
    }
  }
}

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// What one direction's forward keeps for its backward.
struct DirectionForward {
  at::Tensor out, gates, cs, hs, tcs;
};

// The recurrence over input gates (T, B, 4H) (input projections and both biases, overwritten with
// the activations); no autograd inside.
DirectionForward run_recurrence(at::Tensor gates, const at::Tensor& w_hh, const std::vector<uint8_t>& active_by_step) {
  c10::AutoGradMode no_grad(false);
  const int64_t T = gates.size(0), B = gates.size(1), H = w_hh.size(1);
  auto opts = gates.options();
  DirectionForward d;
  d.gates = std::move(gates);
  d.hs = at::zeros({T + 1, B, H}, opts);
  d.cs = at::zeros({T + 1, B, H}, opts);
  d.tcs = at::empty({T, B, H}, opts);
  d.out = at::empty({T, B, H}, opts);
  const StepProduct recurrence = StepProduct::to_gates(w_hh);
  float *gates_p = d.gates.data_ptr<float>(), *cs = d.cs.data_ptr<float>(), *hs = d.hs.data_ptr<float>(), *tcs = d.tcs.data_ptr<float>(),
        *out = d.out.data_ptr<float>();
  const int64_t step = B * H;   // one time slice of the states
  for (int64_t t = 0; t < T; ++t) {
    float* g = gates_p + t * 4 * step;
    recurrence.apply(B, hs + t * step, H, g, 4 * H, true);  // (B, 4H) += h_{t-1} W_hh^T
    cell_forward(B, H, g, cs + t * step, hs + t * step, cs + (t + 1) * step, tcs + t * step, hs + (t + 1) * step, out + t * step,
                 active_by_step.data() + t * B, H);
  }
  return d;
}

// x: (T, B, I) time-major: the input projections of every step as one product, then the recurrence.
DirectionForward run_forward(const at::Tensor& x, const at::Tensor& w_ih, const at::Tensor& w_hh, const at::Tensor& b_ih,
                             const at::Tensor& b_hh, const std::vector<uint8_t>& active_by_step) {
  c10::AutoGradMode no_grad(false);
  const int64_t T = x.size(0), B = x.size(1), I = x.size(2), H = w_hh.size(1);
  return run_recurrence(at::addmm(b_ih + b_hh, x.reshape({T * B, I}), w_ih.t()).view({T, B, 4 * H}), w_hh, active_by_step);
}

// A step's input gates as sums of table rows: gates[b] = sum_k tables[k][ids[k][b][source(t, b)]], where source(t, b)
// is t, or for the reverse direction the position t steps back from the end of sequence b. Used when the input is a
// concatenation of embedding lookups: W_ih [e_1; e_2; ...] = sum_k (E_k W_ih,k^T)[id_k].
__attribute__((target_clones("avx512f", "avx2", "default")))
void sum_rows(float* __restrict dst, const float* __restrict src, int64_t n, bool first) {
  if (first) std::memcpy(dst, src, n * sizeof(float));
  else
    for (int64_t j = 0; j < n; ++j) dst[j] += src[j];
}

// Inference over gathered input gates, one step at a time: each step's gate rows are summed from the tables into one
// (B, 4H) buffer just before its product, and only the outputs and the running state are kept. The same arithmetic as
// run_recurrence over all steps' gathered gates, without writing and re-reading (T, B, 4H) gates and (T + 1, B, H) states
// that only a backward pass needs (a decode of 32 x 100 at hidden 128 x 2 streamed ~20 MB through memory for them).
// Each direction writes its outputs straight into its half of the layer's (T, B, dirs * H) output, the reverse one
// at each sequence's original positions (no reversal gather and concatenation afterwards).
struct DirectionInference {
  at::Tensor h_n, c_n;  // (B, H), (B, H)
};

DirectionInference run_gathered_inference(const std::vector<at::Tensor>& ids, const std::vector<at::Tensor>& tables, const std::vector<int64_t>& len,
                                          int64_t T, bool reverse, const at::Tensor& w_hh, const std::vector<uint8_t>& active_by_step,
                                          float* layer_out, int64_t dirs) {
  c10::AutoGradMode no_grad(false);
  const int64_t B = static_cast<int64_t>(len.size()), H = w_hh.size(1), G = 4 * H, row = dirs * H;
  auto opts = tables[0].options();
  DirectionInference d;
  at::Tensor g = at::empty({B, G}, opts), tc = at::empty({B, H}, opts), step_out = at::empty({B, H}, opts);
  at::Tensor h = at::zeros({2, B, H}, opts), c = at::zeros({2, B, H}, opts);   // ping-pong: step t reads [t % 2], writes the other
  float *gp = g.data_ptr<float>(), *tcp = tc.data_ptr<float>(), *hp = h.data_ptr<float>(), *cp = c.data_ptr<float>(), *sp = step_out.data_ptr<float>();
  float* half = layer_out + (reverse ? H : 0);
  const at::Tensor h_slot[2] = {h.select(0, 0), h.select(0, 1)};   // made once: a select per step is an ATen op each
  const StepProduct recurrence = StepProduct::to_gates(w_hh);
  for (int64_t t = 0; t < T; ++t) {
    for (size_t k = 0; k < tables.size(); ++k) {
      const int64_t* id = ids[k].data_ptr<int64_t>();
      const float* table = tables[k].data_ptr<float>();
      for (int64_t b = 0; b < B; ++b) {
        int64_t source = reverse ? reversed_step(t, len[b]) : t;
        sum_rows(gp + b * G, table + id[b * T + source] * G, G, k == 0);
      }
    }
    const int64_t from = t % 2, to = 1 - from;
    recurrence.apply(h_slot[from], g, true);  // (B, 4H) += h_{t-1} W_hh^T
    if (!reverse) {
      cell_forward(B, H, gp, cp + from * B * H, hp + from * B * H, cp + to * B * H, tcp, hp + to * B * H, half + t * B * row, active_by_step.data() + t * B, row);
      continue;
    }
    cell_forward(B, H, gp, cp + from * B * H, hp + from * B * H, cp + to * B * H, tcp, hp + to * B * H, sp, active_by_step.data() + t * B, H);
    for (int64_t b = 0; b < B; ++b) std::memcpy(half + (reversed_step(t, len[b]) * B + b) * row, sp + b * H, H * sizeof(float));
  }
  d.h_n = h.select(0, T % 2);
  d.c_n = c.select(0, T % 2);
  return d;
}

// Gradients of one direction: dx, dW_ih, dW_hh, db.
std::array<at::Tensor, 4> run_backward(const at::Tensor& x, const at::Tensor& w_ih, const at::Tensor& w_hh, const at::Tensor& gates,
                                       const at::Tensor& cs, const at::Tensor& hs, const at::Tensor& tcs, const at::Tensor& dout_in,
                                       const at::Tensor& dhn_in, const at::Tensor& dcn_in, const std::vector<uint8_t>& active_by_step) {
  c10::AutoGradMode no_grad(false);
  const int64_t T = x.size(0), B = x.size(1), I = x.size(2), H = w_hh.size(1);
  auto opts = x.options();
  at::Tensor dout = dout_in.defined() ? dout_in.contiguous() : at::zeros({T, B, H}, opts);
  at::Tensor dh_next = dhn_in.defined() ? dhn_in.clone().contiguous() : at::zeros({B, H}, opts);
  at::Tensor dc_next = dcn_in.defined() ? dcn_in.clone().contiguous() : at::zeros({B, H}, opts);
  at::Tensor dG = at::empty({T, B, 4 * H}, opts);
  float* dhn = dh_next.data_ptr<float>();
  const StepProduct recurrence = StepProduct::to_hidden(w_hh);
  at::Tensor dh_rec = at::empty({B, H}, opts);
  const float *gates_p = gates.data_ptr<float>(), *cs_p = cs.data_ptr<float>(), *tcs_p = tcs.data_ptr<float>(), *dout_p = dout.data_ptr<float>();
  float *dG_p = dG.data_ptr<float>(), *dcn = dc_next.data_ptr<float>(), *rec = dh_rec.data_ptr<float>();
  const int64_t step = B * H;   // one time slice of the states
  for (int64_t t = T - 1; t >= 0; --t) {
    const uint8_t* active = active_by_step.data() + t * B;
    float* dg = dG_p + t * 4 * step;
    cell_backward(B, H, gates_p + t * 4 * step, cs_p + t * step, tcs_p + t * step, dhn, dout_p + t * step, dcn, dg, active);
    // (B, H): the gradient reaching h_{t-1} through the recurrence, dG_t W_hh
    recurrence.apply(B, dg, 4 * H, rec, H, false);
    for (int64_t b = 0; b < B; ++b)
      if (active[b]) std::memcpy(dhn + b * H, rec + b * H, H * sizeof(float));
  }
  at::Tensor dG2 = dG.view({T * B, 4 * H});
  return {at::mm(dG2, w_ih).view({T, B, I}), at::mm(dG2.t(), x.reshape({T * B, I})), at::mm(dG2.t(), hs.narrow(0, 0, T).reshape({T * B, H})),
          dG2.sum(0)};
}

// Both directions of one layer. xf: (T, B, I); xb: the same with each sequence reversed within its
// length. Outputs: out_f, hn_f, cn_f, out_b (in reversed order), hn_b, cn_b.
struct FusedBiLstmFunction : public torch::autograd::Function<FusedBiLstmFunction> {
  static variable_list forward(AutogradContext* ctx, const at::Tensor& xf, const at::Tensor& xb, const at::Tensor& wf_ih, const at::Tensor& wf_hh,
                               const at::Tensor& bf_ih, const at::Tensor& bf_hh, const at::Tensor& wb_ih, const at::Tensor& wb_hh,
                               const at::Tensor& bb_ih, const at::Tensor& bb_hh, const at::Tensor& lengths) {
    auto active = active_mask(lengths, xf.size(0));
    DirectionForward f, b;
    in_parallel([&] { f = run_forward(xf, wf_ih, wf_hh, bf_ih, bf_hh, active); }, [&] { b = run_forward(xb, wb_ih, wb_hh, bb_ih, bb_hh, active); });
    const int64_t T = xf.size(0);
    ctx->save_for_backward({xf, xb, wf_ih, wf_hh, wb_ih, wb_hh, f.gates, f.cs, f.hs, f.tcs, b.gates, b.cs, b.hs, b.tcs, lengths});
    return {f.out, f.hs.select(0, T).clone(), f.cs.select(0, T).clone(), b.out, b.hs.select(0, T).clone(), b.cs.select(0, T).clone()};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto s = ctx->get_saved_variables();
    auto active = active_mask(s[14], s[0].size(0));
    std::array<at::Tensor, 4> gf, gb;
    in_parallel([&] { gf = run_backward(s[0], s[2], s[3], s[6], s[7], s[8], s[9], grads[0], grads[1], grads[2], active); },
                [&] { gb = run_backward(s[1], s[4], s[5], s[10], s[11], s[12], s[13], grads[3], grads[4], grads[5], active); });
    return {gf[0], gb[0], gf[1], gf[2], gf[3], gf[3].clone(), gb[1], gb[2], gb[3], gb[3].clone(), at::Tensor()};
  }
};

// One direction (unidirectional layers).
struct FusedLstmFunction : public torch::autograd::Function<FusedLstmFunction> {
  static variable_list forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w_ih, const at::Tensor& w_hh,
                               const at::Tensor& b_ih, const at::Tensor& b_hh, const at::Tensor& lengths) {
    auto active = active_mask(lengths, x.size(0));
    SingleThreadedBlas blas;
    DirectionForward d = run_forward(x, w_ih, w_hh, b_ih, b_hh, active);
    const int64_t T = x.size(0);
    ctx->save_for_backward({x, w_ih, w_hh, d.gates, d.cs, d.hs, d.tcs, lengths});
    return {d.out, d.hs.select(0, T).clone(), d.cs.select(0, T).clone()};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto s = ctx->get_saved_variables();
    SingleThreadedBlas blas;
    auto g = run_backward(s[0], s[1], s[2], s[3], s[4], s[5], s[6], grads[0], grads[1], grads[2], active_mask(s[7], s[0].size(0)));
    return {g[0], g[1], g[2], g[3], g[3].clone(), at::Tensor()};
  }
};

}  // namespace

// One layer, batch-first input (B, T, I), CPU float32, zero initial state. params: w_ih, w_hh, b_ih,
// b_hh (then the same for the reverse direction). lengths: B entries or null. Outputs as nn.LSTM:
// output (B, T, dirs*H), h_n and c_n (dirs, B, H).
TS_EXPORT int32_t TS_NN_lstm_fused(TSTensor input, const int64_t* lengths, const TSTensor* params, int32_t bidirectional, TSTensor* output,
                                   TSTensor* h_n, TSTensor* c_n) {
  TS_STATUS({
    NoAutocast no_autocast;
    LayerInput in = layer_input(*input, lengths, "fused lstm");
    if (!bidirectional) {
      auto fwd = FusedLstmFunction::apply(in.x, *params[0], *params[1], *params[2], *params[3], in.len_t);
      *output = ts_new(fwd[0].transpose(0, 1));
      *h_n = ts_new(fwd[1].unsqueeze(0));
      *c_n = ts_new(fwd[2].unsqueeze(0));
      return 0;
    }
    auto both = FusedBiLstmFunction::apply(in.x, reversed_in_length(in.x, in.len), *params[0], *params[1], *params[2], *params[3], *params[4],
                                           *params[5], *params[6], *params[7], in.len_t);
    *output = ts_new(bidirectional_output(both[0], both[3], in.len));
    *h_n = ts_new(at::stack({both[1], both[4]}));
    *c_n = ts_new(at::stack({both[2], both[5]}));
  })
}

// Inference only (no gradient flows): a one-layer LSTM whose input is a concatenation of embedding
// lookups, with the input projection folded into the tables. ids: n_inputs (B, T) int64 tensors;
// tables: n_inputs (V_k, 4H) float32 tables per direction (forward direction's first, both biases
// included once per direction); w_hh: one (4H, H) per direction. Outputs as TS_NN_lstm_fused.
TS_EXPORT int32_t TS_NN_lstm_fused_gathered(const TSTensor* ids, int32_t n_inputs, const TSTensor* tables, const int64_t* lengths,
                                            const TSTensor* w_hh, int32_t bidirectional, TSTensor* output, TSTensor* h_n, TSTensor* c_n) {
  TS_STATUS({
    TORCH_CHECK(n_inputs >= 1, "fused lstm (gathered): no inputs");
    const int dirs = bidirectional ? 2 : 1;
    const at::Tensor& first = *ids[0];
    TORCH_CHECK(first.dim() == 2, "fused lstm (gathered): ids must be (batch, time), got ", first.dim(), "-D");
    const int64_t B = first.size(0), T = first.size(1), H = w_hh[0]->size(1);
    std::vector<at::Tensor> id_list;
    for (int32_t k = 0; k < n_inputs; ++k) {
      at::Tensor id = ids[k]->contiguous();
      TORCH_CHECK(id.scalar_type() == at::kLong && id.device().is_cpu(), "fused lstm (gathered): ids ", k, " must be CPU int64");
      TORCH_CHECK(id.size(0) == B && id.size(1) == T, "fused lstm (gathered): ids ", k, " are ", id.sizes(), ", expected [", B, ", ", T, "]");
      const int64_t lo = id.numel() ? id.min().item<int64_t>() : 0, hi = id.numel() ? id.max().item<int64_t>() : 0;
      for (int d = 0; d < dirs; ++d) {
        const at::Tensor& table = *tables[d * n_inputs + k];
        TORCH_CHECK(table.dim() == 2 && table.size(1) == 4 * H && table.is_contiguous() && table.scalar_type() == at::kFloat && table.device().is_cpu(),
                    "fused lstm (gathered): table ", k, " must be a contiguous CPU float32 (vocabulary, ", 4 * H, ")");
        TORCH_CHECK(lo >= 0 && hi < table.size(0), "fused lstm (gathered): ids ", k, " hold values in [", lo, ", ", hi, "], outside the table's [0, ",
                    table.size(0), ")");
      }
      id_list.push_back(id);
    }
    std::vector<int64_t> len = checked_lengths(lengths, B, T);
    c10::AutoGradMode no_grad(false);
    auto active = active_mask(len, T);
    at::Tensor out = at::empty({T, B, dirs * H}, tables[0]->options());
    float* op = out.data_ptr<float>();
    auto direction = [&](int d) {
      return run_gathered_inference(id_list, ts_list(tables + d * n_inputs, n_inputs), len, T, d == 1, *w_hh[d], active, op, dirs);
    };
    DirectionInference f, b;
    if (!bidirectional) {
      SingleThreadedBlas blas;
      f = direction(0);
      *output = ts_new(out.transpose(0, 1));
      *h_n = ts_new(f.h_n.unsqueeze(0));
      *c_n = ts_new(f.c_n.unsqueeze(0));
      return 0;
    }
    in_parallel([&] { f = direction(0); }, [&] { b = direction(1); });
    *output = ts_new(out.transpose(0, 1));
    *h_n = ts_new(at::stack({f.h_n, b.h_n}));
    *c_n = ts_new(at::stack({f.c_n, b.c_n}));
  })
}
