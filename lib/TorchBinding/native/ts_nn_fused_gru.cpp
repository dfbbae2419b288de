// A fused single-layer GRU for CPU float32 with its own backward, as ts_nn_fused_lstm.cpp does for the
// LSTM: the input projections of all steps in one product, then per step one h W_hh^T product and one
// vectorisable loop of gate arithmetic, instead of libtorch's per-step graph of small autograd ops
// (which trained a BiGRU-CRF at ~9k chars/s here). PyTorch's GRU, gates [r | z | n]:
//   r = s(x W_ir + b_ir + h W_hr + b_hr),  z = s(x W_iz + b_iz + h W_hz + b_hz),
//   n = tanh(x W_in + b_in + r (h W_hn + b_hn)),  h' = (1 - z) n + z h.
// Padded batches as nn.GRU over packed sequences: each sequence runs to its own length, padded outputs
// are zero, h_n is the state at each sequence's last real step, the reverse direction starts there.
#include "ts_api.h"
#include "ts_fused_recurrent.h"

#include <torch/csrc/autograd/custom_function.h>

#include <array>
#include <cstring>

namespace {

using namespace ts::recurrent;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// One step for `batch` rows. gi: input part [r|z|n] (rows x 3H, b_ih included), overwritten with the
// activations [r|z|n]; gh: hidden part h W_hh^T + b_hh (rows x 3H), kept for the backward. Writes h and
// the output (zero for finished rows, whose state carries over). tanh(x) = 2 s(2x) - 1.
__attribute__((target_clones("avx512f", "avx2", "default")))
void gru_cell_forward(int64_t batch, int64_t H, float* __restrict gi, const float* __restrict gh, const float* __restrict h_prev,
                      float* __restrict h, float* __restrict out, const uint8_t* active) {
  for (int64_t b = 0; b < batch; ++b) {
    float* a = gi + b * 3 * H;
    const float* hh = gh + b * 3 * H;
    const float* hp = h_prev + b * H;
    float *hb = h + b * H, *ob = out + b * H;
    if (!active[b]) {
      std::memcpy(hb, hp, H * sizeof(float));
      std::memset(ob, 0, H * sizeof(float));
      std::memset(a, 0, 3 * H * sizeof(float));
      continue;
    }
    for (int64_t j = 0; j < 2 * H; ++j) a[j] += hh[j];
    sigmoid_inplace(a, 2 * H);
    float* n = a + 2 * H;
    for (int64_t j = 0; j < H; ++j) n[j] = 2.f * (n[j] + a[j] * hh[2 * H + j]);
    sigmoid_inplace(n, H);
    const float* z = a + H;
    for (int64_t j = 0; j < H; ++j) {
      n[j] = 2.f * n[j] - 1.f;
      float v = (1.f - z[j]) * n[j] + z[j] * hp[j];
      hb[j] = v;
      ob[j] = v;
    }
  }
}

// Backward through one step's gate arithmetic: from the incoming dh (dh_next + dout) and the saved
// activations, the pre-activation gradients of the input part (dgi) and of the hidden part (dgh), and
// dh_next <- dh z (the direct path; the caller adds dgh W_hh). Finished rows: dgi = dgh = 0, dh_next kept.
__attribute__((target_clones("avx512f", "avx2", "default")))
void gru_cell_backward(int64_t batch, int64_t H, const float* __restrict act, const float* __restrict gh, const float* __restrict h_prev,
                       const float* __restrict dout, float* __restrict dh_next, float* __restrict dgi, float* __restrict dgh,
                       const uint8_t* active) {
  for (int64_t b = 0; b < batch; ++b) {
    float *di = dgi + b * 3 * H, *dh_ = dgh + b * 3 * H;
    if (!active[b]) {
      std::memset(di, 0, 3 * H * sizeof(float));
      std::memset(dh_, 0, 3 * H * sizeof(float));
      continue;
    }
    const float* a = act + b * 3 * H;
    const float* hn = gh + b * 3 * H + 2 * H;
    const float *hp = h_prev + b * H, *dob = dout + b * H;
    float* dhn = dh_next + b * H;
    for (int64_t j = 0; j < H; ++j) {
      float r = a[j], z = a[H + j], n = a[2 * H + j];
      float dh = dhn[j] + dob[j];
      float dpre_n = dh * (1.f - z) * (1.f - n * n);
      float dpre_z = dh * (hp[j] - n) * z * (1.f - z);
      float dpre_r = dpre_n * hn[j] * r * (1.f - r);
      di[j] = dpre_r;
      di[H + j] = dpre_z;
      di[2 * H + j] = dpre_n;
      dh_[j] = dpre_r;
      dh_[H + j] = dpre_z;
      dh_[2 * H + j] = dpre_n * r;
      dhn[j] = dh * z;
    }
  }
}

// What one direction's forward keeps for its backward.
struct GruForward {
  at::Tensor out, act, gh, hs;
};

// x: (T, B, I) time-major; no autograd inside.
GruForward gru_forward(const at::Tensor& x, const at::Tensor& w_ih, const at::Tensor& w_hh, const at::Tensor& b_ih, const at::Tensor& b_hh,
                       const std::vector<uint8_t>& active_by_step) {
  c10::AutoGradMode no_grad(false);
  const int64_t T = x.size(0), B = x.size(1), I = x.size(2), H = w_hh.size(1);
  auto opts = x.options();
  GruForward d;
  d.act = at::addmm(b_ih, x.reshape({T * B, I}), w_ih.t()).view({T, B, 3 * H});
  d.gh = b_hh.expand({T, B, 3 * H}).contiguous();
  d.hs = at::zeros({T + 1, B, H}, opts);
  d.out = at::empty({T, B, H}, opts);
  const StepProduct recurrence = StepProduct::to_gates(w_hh);
  float *act = d.act.data_ptr<float>(), *gh_p = d.gh.data_ptr<float>(), *hs = d.hs.data_ptr<float>(), *out = d.out.data_ptr<float>();
  const int64_t step = B * H;   // one time slice of the states
  for (int64_t t = 0; t < T; ++t) {
    float* gh = gh_p + t * 3 * step;
    recurrence.apply(B, hs + t * step, H, gh, 3 * H, true);  // (B, 3H) = b_hh + h_{t-1} W_hh^T
    gru_cell_forward(B, H, act + t * 3 * step, gh, hs + t * step, hs + (t + 1) * step, out + t * step, active_by_step.data() + t * B);
  }
  return d;
}

// Gradients of one direction: dx, dW_ih, dW_hh, db_ih, db_hh.
std::array<at::Tensor, 5> gru_backward(const at::Tensor& x, const at::Tensor& w_ih, const at::Tensor& w_hh, const at::Tensor& act,
                                       const at::Tensor& gh, const at::Tensor& hs, const at::Tensor& dout_in, const at::Tensor& dhn_in,
                                       const std::vector<uint8_t>& active_by_step) {
  c10::AutoGradMode no_grad(false);
  const int64_t T = x.size(0), B = x.size(1), I = x.size(2), H = w_hh.size(1);
  auto opts = x.options();
  at::Tensor dout = dout_in.defined() ? dout_in.contiguous() : at::zeros({T, B, H}, opts);
  at::Tensor dh_next = dhn_in.defined() ? dhn_in.clone().contiguous() : at::zeros({B, H}, opts);
  at::Tensor dGI = at::empty({T, B, 3 * H}, opts), dGH = at::empty({T, B, 3 * H}, opts);
  float* dhn = dh_next.data_ptr<float>();
  const StepProduct recurrence = StepProduct::to_hidden(w_hh);
  at::Tensor dh_rec = at::empty({B, H}, opts);
  const float *act_p = act.data_ptr<float>(), *gh_p = gh.data_ptr<float>(), *hs_p = hs.data_ptr<float>(), *dout_p = dout.data_ptr<float>();
  float *dGI_p = dGI.data_ptr<float>(), *dGH_p = dGH.data_ptr<float>(), *rec = dh_rec.data_ptr<float>();
  const int64_t step = B * H;   // one time slice of the states
  for (int64_t t = T - 1; t >= 0; --t) {
    const uint8_t* active = active_by_step.data() + t * B;
    float* dgh = dGH_p + t * 3 * step;
    gru_cell_backward(B, H, act_p + t * 3 * step, gh_p + t * 3 * step, hs_p + t * step, dout_p + t * step, dhn, dGI_p + t * 3 * step, dgh, active);
    // (B, H): the gradient reaching h_{t-1} through the hidden products, dgh W_hh
    recurrence.apply(B, dgh, 3 * H, rec, H, false);
    for (int64_t b = 0; b < B; ++b)
      if (active[b])
        for (int64_t j = 0; j < H; ++j) dhn[b * H + j] += rec[b * H + j];
  }
  at::Tensor dGI2 = dGI.view({T * B, 3 * H}), dGH2 = dGH.view({T * B, 3 * H});
  return {at::mm(dGI2, w_ih).view({T, B, I}), at::mm(dGI2.t(), x.reshape({T * B, I})), at::mm(dGH2.t(), hs.narrow(0, 0, T).reshape({T * B, H})),
          dGI2.sum(0), dGH2.sum(0)};
}

// Both directions of one layer. xf: (T, B, I); xb: the same with each sequence reversed within its
// length. Outputs: out_f, hn_f, out_b (in reversed order), hn_b.
struct FusedBiGruFunction : public torch::autograd::Function<FusedBiGruFunction> {
  static variable_list forward(AutogradContext* ctx, const at::Tensor& xf, const at::Tensor& xb, const at::Tensor& wf_ih, const at::Tensor& wf_hh,
                               const at::Tensor& bf_ih, const at::Tensor& bf_hh, const at::Tensor& wb_ih, const at::Tensor& wb_hh,
                               const at::Tensor& bb_ih, const at::Tensor& bb_hh, const at::Tensor& lengths) {
    auto active = active_mask(lengths, xf.size(0));
    GruForward f, b;
    in_parallel([&] { f = gru_forward(xf, wf_ih, wf_hh, bf_ih, bf_hh, active); }, [&] { b = gru_forward(xb, wb_ih, wb_hh, bb_ih, bb_hh, active); });
    const int64_t T = xf.size(0);
    ctx->save_for_backward({xf, xb, wf_ih, wf_hh, wb_ih, wb_hh, f.act, f.gh, f.hs, b.act, b.gh, b.hs, lengths});
    return {f.out, f.hs.select(0, T).clone(), b.out, b.hs.select(0, T).clone()};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto s = ctx->get_saved_variables();
    auto active = active_mask(s[12], s[0].size(0));
    std::array<at::Tensor, 5> gf, gb;
    in_parallel([&] { gf = gru_backward(s[0], s[2], s[3], s[6], s[7], s[8], grads[0], grads[1], active); },
                [&] { gb = gru_backward(s[1], s[4], s[5], s[9], s[10], s[11], grads[2], grads[3], active); });
    return {gf[0], gb[0], gf[1], gf[2], gf[3], gf[4], gb[1], gb[2], gb[3], gb[4], at::Tensor()};
  }
};

// One direction (unidirectional layers).
struct FusedGruFunction : public torch::autograd::Function<FusedGruFunction> {
  static variable_list forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w_ih, const at::Tensor& w_hh,
                               const at::Tensor& b_ih, const at::Tensor& b_hh, const at::Tensor& lengths) {
    auto active = active_mask(lengths, x.size(0));
    SingleThreadedBlas blas;
    GruForward d = gru_forward(x, w_ih, w_hh, b_ih, b_hh, active);
    ctx->save_for_backward({x, w_ih, w_hh, d.act, d.gh, d.hs, lengths});
    return {d.out, d.hs.select(0, x.size(0)).clone()};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto s = ctx->get_saved_variables();
    SingleThreadedBlas blas;
    auto g = gru_backward(s[0], s[1], s[2], s[3], s[4], s[5], grads[0], grads[1], active_mask(s[6], s[0].size(0)));
    return {g[0], g[1], g[2], g[3], g[4], at::Tensor()};
  }
};

}  // namespace

// One layer, batch-first input (B, T, I), CPU float32, zero initial state. params: w_ih, w_hh, b_ih,
// b_hh (then the same for the reverse direction). lengths: B entries or null. Outputs as nn.GRU:
// output (B, T, dirs*H), h_n (dirs, B, H).
TS_EXPORT int32_t TS_NN_gru_fused(TSTensor input, const int64_t* lengths, const TSTensor* params, int32_t bidirectional, TSTensor* output,
                                  TSTensor* h_n) {
  TS_STATUS({
    NoAutocast no_autocast;
    LayerInput in = layer_input(*input, lengths, "fused gru");
    if (!bidirectional) {
      auto fwd = FusedGruFunction::apply(in.x, *params[0], *params[1], *params[2], *params[3], in.len_t);
      *output = ts_new(fwd[0].transpose(0, 1));
      *h_n = ts_new(fwd[1].unsqueeze(0));
      return 0;
    }
    auto both = FusedBiGruFunction::apply(in.x, reversed_in_length(in.x, in.len), *params[0], *params[1], *params[2], *params[3], *params[4],
                                          *params[5], *params[6], *params[7], in.len_t);
    *output = ts_new(bidirectional_output(both[0], both[2], in.len));
    *h_n = ts_new(at::stack({both[1], both[3]}));
  })
}
