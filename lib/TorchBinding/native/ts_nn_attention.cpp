// Attention's two products per head, read and written in place in the (B, L, H) layout of the projections.
//
// A BERT layer's query, key and value come out of one fused linear as (B, L, 3H) and are split into (B, L, H) views
// whose rows are 3H apart. The composed path (view to (B, L, heads, dh), transpose to (B, heads, L, dh), matmul) makes
// at::matmul copy each operand into a contiguous (B·heads, L, dh) block, copy the context back to (B, L, H), and do the
// same for every gradient: about a sixth of a BERT-small training step on CPU (`lab bench bert --profile`). Here each
// batch row's heads are one strided bmm, whose BLAS call takes the row stride as its leading dimension, so nothing is
// copied: scores = scale · Q Kᵀ per head into (B, heads, L, L); context = P V per head straight into (B, L, H).
#include "ts_api.h"

#include <torch/csrc/autograd/custom_function.h>

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// (B, L, H) with unit feature stride as (B, heads, L, dh): a view, whatever the row stride.
at::Tensor by_head(const at::Tensor& t, int64_t heads) {
  return t.view({t.size(0), t.size(1), heads, t.size(2) / heads}).permute({0, 2, 1, 3});
}

// The inverse of by_head: (B, heads, L, dh) joined back into a (B, L, H) tensor of `sizes`.
at::Tensor from_heads(const at::Tensor& t, at::IntArrayRef sizes) { return t.transpose(1, 2).reshape(sizes); }

// out[i] = a[i] · b[i] for each sequence i of (B, ·, ·, ·) views: one strided bmm per sequence, written where out stands.
void per_sequence_bmm(const at::Tensor& out, const at::Tensor& a, const at::Tensor& b) {
  for (int64_t i = 0; i < out.size(0); ++i) {
    at::Tensor o = out[i];
    at::bmm_out(o, a[i], b[i]);
  }
}

// A (B, L, H) operand the strided products can read: feature stride 1 (a split of the fused projection is one).
at::Tensor readable(const at::Tensor& t) { return t.stride(2) == 1 ? t : t.contiguous(); }

struct HeadScoresFunction : public torch::autograd::Function<HeadScoresFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& q_in, const at::Tensor& k_in, int64_t heads, double scale) {
    at::Tensor q = readable(q_in), k = readable(k_in);
    at::Tensor qh = by_head(q, heads), kh = by_head(k, heads);
    int64_t b = q.size(0), l = q.size(1), lk = k.size(1);
    at::Tensor scores = at::empty({b, heads, l, lk}, q.options());
    // bmm, then one scaling pass: baddbmm with beta 0 would read the uninitialised output (libtorch's small-matrix
    // kernel multiplies it by beta, and 0 · NaN is NaN).
    per_sequence_bmm(scores, qh, kh.transpose(-1, -2));
    scores.mul_(scale);
    ctx->save_for_backward({q, k});
    ctx->saved_data["heads"] = heads;
    ctx->saved_data["scale"] = scale;
    return scores;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor& q = saved[0];
    const at::Tensor& k = saved[1];
    int64_t heads = ctx->saved_data["heads"].toInt();
    double scale = ctx->saved_data["scale"].toDouble();
    if (at::GradMode::is_enabled()) {                                        // a gradient of the gradient: differentiable ops
      at::Tensor ds = grads[0];
      return {from_heads(at::matmul(ds, by_head(k, heads)) * scale, q.sizes()), from_heads(at::matmul(ds.transpose(-1, -2), by_head(q, heads)) * scale, k.sizes()),
              at::Tensor(), at::Tensor()};
    }
    at::Tensor ds = grads[0].contiguous();                                   // (B, heads, L, Lk)
    at::Tensor dq = at::empty(q.sizes(), q.options()), dk = at::empty(k.sizes(), k.options());
    at::Tensor qh = by_head(q, heads), kh = by_head(k, heads), dqh = by_head(dq, heads), dkh = by_head(dk, heads);
    per_sequence_bmm(dqh, ds, kh);                                          // dQ = scale · dS K
    per_sequence_bmm(dkh, ds.transpose(-1, -2), qh);                        // dK = scale · dSᵀ Q
    dq.mul_(scale);
    dk.mul_(scale);
    return {dq, dk, at::Tensor(), at::Tensor()};
  }
};

struct HeadContextFunction : public torch::autograd::Function<HeadContextFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& probs_in, const at::Tensor& v_in, int64_t heads) {
    at::Tensor probs = probs_in.contiguous(), v = readable(v_in);
    at::Tensor vh = by_head(v, heads);
    at::Tensor context = at::empty({v.size(0), probs.size(2), v.size(2)}, v.options());
    per_sequence_bmm(by_head(context, heads), probs, vh);
    ctx->save_for_backward({probs, v});
    ctx->saved_data["heads"] = heads;
    return context;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor& probs = saved[0];
    const at::Tensor& v = saved[1];
    int64_t heads = ctx->saved_data["heads"].toInt();
    if (at::GradMode::is_enabled()) {                                        // a gradient of the gradient: differentiable ops
      at::Tensor dch = by_head(readable(grads[0]), heads);
      return {at::matmul(dch, by_head(v, heads).transpose(-1, -2)), from_heads(at::matmul(probs.transpose(-1, -2), dch), v.sizes()), at::Tensor()};
    }
    at::Tensor dc = grads[0].contiguous();                                   // (B, L, H)
    at::Tensor dprobs = at::empty(probs.sizes(), probs.options());
    at::Tensor dv = at::empty(v.sizes(), v.options());
    at::Tensor vh = by_head(v, heads), dch = by_head(dc, heads);
    per_sequence_bmm(dprobs, dch, vh.transpose(-1, -2));                    // dP = dC Vᵀ
    per_sequence_bmm(by_head(dv, heads), probs.transpose(-1, -2), dch);     // dV = Pᵀ dC
    return {dprobs, dv, at::Tensor()};
  }
};

bool check_heads(const at::Tensor& t, int64_t heads, const char* name) {
  if (t.dim() != 3 || heads < 1 || t.size(2) % heads != 0) {
    std::string m = std::string(name) + " must be (B, L, H) with H divisible by heads=" + std::to_string(heads) + ", got [";
    for (int64_t d = 0; d < t.dim(); ++d) m += (d ? ", " : "") + std::to_string(t.size(d));
    ts_set_error((m + "]").c_str());
    return false;
  }
  return true;
}

// The strided products are for CPU float32; elsewhere (CUDA, bfloat16 under autocast) the composed path, same result.
bool strided_path(const at::Tensor& a, const at::Tensor& b) {
  return a.device().is_cpu() && b.device().is_cpu() && a.scalar_type() == at::kFloat && b.scalar_type() == at::kFloat;
}

}  // namespace

// scale · Q Kᵀ per head: q (B, L, H), k (B, Lk, H) -> (B, heads, L, Lk).
TS_EXPORT TSTensor TS_NN_head_scores(TSTensor q, TSTensor k, int64_t heads, double scale, int32_t fused) {
  try {
    if (!check_heads(*q, heads, "query") || !check_heads(*k, heads, "key")) return nullptr;
    if (fused && strided_path(*q, *k)) return ts_new(HeadScoresFunction::apply(*q, *k, heads, scale));
    return ts_new(at::matmul(by_head(readable(*q), heads) * scale, by_head(readable(*k), heads).transpose(-1, -2)));
  }
  TS_CATCH(return nullptr)
}

// P V per head, heads joined: probs (B, heads, L, Lk), v (B, Lk, H) -> (B, L, H).
TS_EXPORT TSTensor TS_NN_head_context(TSTensor probs, TSTensor v, int64_t heads, int32_t fused) {
  try {
    if (!check_heads(*v, heads, "value")) return nullptr;
    if (probs->dim() != 4 || probs->size(1) != heads || probs->size(0) != v->size(0) || probs->size(3) != v->size(1)) {
      ts_set_error("attention probabilities must be (B, heads, L, Lk) over a value of (B, Lk, H)");
      return nullptr;
    }
    if (fused && strided_path(*probs, *v)) return ts_new(HeadContextFunction::apply(*probs, *v, heads));
    at::Tensor context = at::matmul(*probs, by_head(readable(*v), heads));             // (B, heads, L, dh)
    return ts_new(from_heads(context, {v->size(0), probs->size(2), v->size(2)}));
  }
  TS_CATCH(return nullptr)
}
