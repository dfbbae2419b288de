// Self-attention on a fused QKV projection as one operation per (sequence, head): scores, additive mask, softmax,
// dropout and context forward; the four products and the softmax gradient backward, writing dQ, dK and dV straight into
// one (B, L, 3H) gradient.
//
// Composed of separate operators (ts_nn_attention.cpp's products, the mask add, libtorch's softmax, the fast dropout),
// a BERT-small step made several passes over (B, heads, L, L) tensors on libtorch's one thread, ran its 128 x 64 x 128
// products as per-sequence BLAS calls through libtorch's dispatcher, and concatenated the three gradients of the QKV
// split: together about a quarter of the profiled step (`lab bench bert --profile`, which inflates operators called
// thousands of times; unprofiled, this and the linear-GELU took the step from ~370-400 to ~300 ms). Here a head's
// L x L block stays in the core's cache from its scores to
// its context, each product is the binding's packed kernel (ts_small_gemm.h: AVX-512 or AVX2, chosen as everywhere
// else), and the heads are shared between the two cores.
//
// Numbers: the same operations in the same order as the composed path (scores scaled, then the mask added; softmax as
// max, exp(x - max), sum, times 1/sum; dropout with the fast dropout's hashed mask over the (B, heads, L, Lk) index,
// drawn from the same key), so both agree to float rounding, dropout included. The packed products need dh to be a
// multiple of 32; a key length that is not is padded inside the per-head buffers.
#include "ts_api.h"
#include "ts_dropout_mask.h"
#include "ts_small_gemm.h"
#include "ts_split_work.h"
#include "ts_vector_math.h"

#include <torch/csrc/autograd/custom_function.h>

#include <vector>

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

using ts_math::lane_dot;
using ts_math::lane_max;
using ts_math::lane_sum;

// One row of probabilities: p = softmax(s * scale + mask) over n keys. `mask` may be null.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
void softmax_row(const float* __restrict s, const float* __restrict mask, float scale, float* __restrict p, int64_t n) {
  if (mask)
    for (int64_t c = 0; c < n; ++c) p[c] = s[c] * scale + mask[c];
  else
    for (int64_t c = 0; c < n; ++c) p[c] = s[c] * scale;
  const float top = lane_max(p, n);
  for (int64_t c = 0; c < n; ++c) p[c] = ts_math::exp_approx(p[c] - top);
  const float inv = 1.f / lane_sum(p, n);
  for (int64_t c = 0; c < n; ++c) p[c] *= inv;
}

// The scores' gradient of one row: with g = dD (times the dropout mask and scale when there is one),
// ds = scale_s · p ⊙ (g − Σ g ⊙ p), softmax's backward as libtorch writes it, times the scores' factor.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
void softmax_backward_row(const float* __restrict p, float* __restrict g, const uint8_t* __restrict keep, float drop_scale, float score_scale,
                          float* __restrict ds, int64_t n) {
  if (keep)
    for (int64_t c = 0; c < n; ++c) g[c] = keep[c] ? g[c] * drop_scale : 0.f;
  const float dot = lane_dot(g, p, n);
  for (int64_t c = 0; c < n; ++c) ds[c] = p[c] * (g[c] - dot) * score_scale;
}

// Where the heads live in a (B, L, 3H) projection (Q, K, V at columns 0, H, 2H) and how wide a head's score rows are.
struct Layout {
  int64_t head_size;   // H / heads
  int64_t row;         // 3H, the projection's row stride
  int64_t key_padded;  // the key length rounded up to the packed panels' 32

  Layout(int64_t L, int64_t H, int64_t heads) : head_size(H / heads), row(3 * H), key_padded((L + 31) / 32 * 32) {}
};

// The additive mask travels to forward inside a struct: it is not trained (checked), and an absent mask (an undefined
// tensor) passed to Function::apply directly is refused by autograd's input bookkeeping.
struct ScoreMask {
  at::Tensor additive;  // undefined: no mask
};

struct FusedSelfAttentionFunction : public torch::autograd::Function<FusedSelfAttentionFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& qkv_in, const ScoreMask& score_mask, int64_t heads, double scale_d,
                            double dropout) {
    at::Tensor qkv = qkv_in.contiguous();
    const int64_t B = qkv.size(0), L = qkv.size(1), H = qkv.size(2) / 3;
    const Layout lay(L, H, heads);
    const float scale = static_cast<float>(scale_d);
    // The mask as a (B, heads, L, L) view of whatever it broadcasts from, keys at unit stride.
    const at::Tensor& mask_in = score_mask.additive;
    at::Tensor mask;
    if (mask_in.defined()) mask = (mask_in.stride(-1) == 1 ? mask_in : mask_in.contiguous()).expand({B, heads, L, L});
    at::Tensor probs = at::empty({B, heads, L, L}, qkv.options());
    at::Tensor keep;
    uint32_t key = 0, threshold = 0;
    const float drop_scale = dropout > 0 ? static_cast<float>(1.0 / (1.0 - dropout)) : 1.f;
    if (dropout > 0) {
      keep = at::empty({B, heads, L, L}, qkv.options().dtype(at::kByte));
      key = ts_dropout::draw_key();
      threshold = ts_dropout::keep_threshold(dropout);
    }
    at::Tensor context = at::empty({B, L, H}, qkv.options());
    const float* base = qkv.data_ptr<float>();
    float* pbase = probs.data_ptr<float>();
    uint8_t* kbase = keep.defined() ? keep.data_ptr<uint8_t>() : nullptr;
    float* cbase = context.data_ptr<float>();
    const float* mbase = mask.defined() ? mask.data_ptr<float>() : nullptr;

    ts::split_items_across_cores(B * heads, [&](int64_t begin, int64_t end) {
      std::vector<float> scores(static_cast<size_t>(L * lay.key_padded)), dropped(kbase ? static_cast<size_t>(L * L) : 0);
      for (int64_t item = begin; item < end; ++item) {
        const int64_t b = item / heads, h = item % heads;
        const float* q = base + b * L * lay.row + h * lay.head_size;
        const float* k = q + H;
        const float* v = q + 2 * H;
        // scores = Q Kᵀ: Kᵀ (dh x L) packed from K's rows, padded to whole panels.
        ts::PackedGemm kt(k, lay.head_size, L, 1, lay.row, /*pad_columns=*/true);
        kt.multiply(L, q, lay.row, scores.data(), lay.key_padded, false);
        float* p = pbase + item * L * L;
        for (int64_t i = 0; i < L; ++i) {
          const float* m = mbase ? mbase + b * mask.stride(0) + h * mask.stride(1) + i * mask.stride(2) : nullptr;
          softmax_row(scores.data() + i * lay.key_padded, m, scale, p + i * L, L);
          if (kbase) ts_dropout::drop(p + i * L, dropped.data() + i * L, kbase + item * L * L + i * L, (item * L + i) * L, L, key, threshold, drop_scale);
        }
        // context = P V, written as this head's columns of (B, L, H).
        ts::PackedGemm vp(v, L, lay.head_size, lay.row, 1);
        vp.multiply(L, kbase ? dropped.data() : p, L, cbase + b * L * H + h * lay.head_size, H, false);
      }
    });
    ctx->save_for_backward({qkv, probs});
    if (keep.defined()) ctx->saved_data["keep"] = keep;
    ctx->saved_data["heads"] = heads;
    ctx->saved_data["scale"] = scale_d;
    ctx->saved_data["drop_scale"] = static_cast<double>(drop_scale);
    return context;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    TORCH_CHECK(!at::GradMode::is_enabled(),
                "fused self-attention has no recorded backward (create_graph): turn backends.fused.Attention off for higher derivatives");
    auto saved = ctx->get_saved_variables();
    const at::Tensor& qkv = saved[0];
    const at::Tensor& probs = saved[1];
    at::Tensor keep = ctx->saved_data.count("keep") ? ctx->saved_data["keep"].toTensor() : at::Tensor();
    const int64_t heads = ctx->saved_data["heads"].toInt();
    const float scale = static_cast<float>(ctx->saved_data["scale"].toDouble());
    const float drop_scale = static_cast<float>(ctx->saved_data["drop_scale"].toDouble());
    const int64_t B = qkv.size(0), L = qkv.size(1), H = qkv.size(2) / 3;
    const Layout lay(L, H, heads);
    at::Tensor dc = grads[0].contiguous();  // (B, L, H)
    at::Tensor dqkv = at::empty_like(qkv);
    const float* base = qkv.data_ptr<float>();
    const float* pbase = probs.data_ptr<float>();
    const uint8_t* kbase = keep.defined() ? keep.data_ptr<uint8_t>() : nullptr;
    const float* dcbase = dc.data_ptr<float>();
    float* dbase = dqkv.data_ptr<float>();

    ts::split_items_across_cores(B * heads, [&](int64_t begin, int64_t end) {
      std::vector<float> grad_probs(static_cast<size_t>(L * lay.key_padded)), ds(static_cast<size_t>(L * L));
      for (int64_t item = begin; item < end; ++item) {
        const int64_t b = item / heads, h = item % heads;
        const int64_t at_head = b * L * lay.row + h * lay.head_size;
        const float* q = base + at_head;
        const float* k = q + H;
        const float* v = q + 2 * H;
        const float* dctx = dcbase + b * L * H + h * lay.head_size;
        const float* p = pbase + item * L * L;
        const uint8_t* kept = kbase ? kbase + item * L * L : nullptr;  // this head's dropout mask, or none
        // dD = dC Vᵀ (the gradient of the dropped probabilities).
        ts::PackedGemm vt(v, lay.head_size, L, 1, lay.row, /*pad_columns=*/true);
        vt.multiply(L, dctx, H, grad_probs.data(), lay.key_padded, false);
        // dV = Dᵀ dC, D the dropped probabilities (rebuilt from the mask) or P itself, read transposed in place.
        if (kept) ts_dropout::undrop(p, kept, ds.data(), L * L, drop_scale);
        ts::PackedGemm dcp(dctx, L, lay.head_size, H, 1);
        dcp.multiply_transposed(L, kept ? ds.data() : p, L, dbase + at_head + 2 * H, lay.row, false);
        // dS = scale · P ⊙ (dP − Σ dP ⊙ P), dP = dD through the dropout.
        for (int64_t i = 0; i < L; ++i)
          softmax_backward_row(p + i * L, grad_probs.data() + i * lay.key_padded, kept ? kept + i * L : nullptr, drop_scale, scale, ds.data() + i * L, L);
        // dQ = dS K, dK = dSᵀ Q.
        ts::PackedGemm kp(k, L, lay.head_size, lay.row, 1);
        kp.multiply(L, ds.data(), L, dbase + at_head, lay.row, false);
        ts::PackedGemm qp(q, L, lay.head_size, lay.row, 1);
        qp.multiply_transposed(L, ds.data(), L, dbase + at_head + H, lay.row, false);
      }
    });
    return {dqkv, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

// Whether TS_NN_self_attention takes (B, L, 3H) with `heads` on this tensor: CPU float32, dh = H / heads a multiple of
// 32, a packed kernel for this CPU; the caller composes the separate operators otherwise.
TS_EXPORT int32_t TS_NN_self_attention_applies(TSTensor qkv, int64_t heads) {
  const at::Tensor& t = *qkv;
  return t.device().is_cpu() && t.scalar_type() == at::kFloat && t.dim() == 3 && heads >= 1 && t.size(2) % (3 * heads) == 0 &&
                 (t.size(2) / 3 / heads) % 32 == 0 && ts::PackedGemm::available()
             ? 1
             : 0;
}

// softmax(scale · Q Kᵀ + mask) V per head, with dropout `p` on the probabilities (0: none): qkv (B, L, 3H) as one fused
// projection writes it, mask null or additive and broadcastable to (B, heads, L, L) (not trained) -> (B, L, H).
TS_EXPORT TSTensor TS_NN_self_attention(TSTensor qkv, TSTensor mask, int64_t heads, double scale, double p) {
  try {
    const at::Tensor& t = *qkv;
    TORCH_CHECK(TS_NN_self_attention_applies(qkv, heads),
                "fused self-attention needs a CPU float32 (B, L, 3H) projection whose head size H / heads is a multiple of 32 and a packed "
                "kernel for this CPU; got ", t.scalar_type(), " ", t.sizes(), " on ", t.device(), " with heads=", heads);
    TORCH_CHECK(p >= 0 && p < 1, "fused self-attention: dropout must be in [0, 1), got ", p);
    at::Tensor m;
    if (mask) {
      m = *mask;
      const int64_t B = t.size(0), L = t.size(1);
      TORCH_CHECK(m.scalar_type() == at::kFloat && m.dim() == 4 && (m.size(0) == 1 || m.size(0) == B) && (m.size(1) == 1 || m.size(1) == heads) &&
                      (m.size(2) == 1 || m.size(2) == L) && m.size(3) == L,
                  "fused self-attention: the mask must be float32 and broadcast to (", B, ", ", heads, ", ", L, ", ", L, "), got ", m.scalar_type(),
                  " ", m.sizes());
      TORCH_CHECK(!m.requires_grad(), "fused self-attention: the mask is not trained here (it requires grad)");
    }
    return ts_new(FusedSelfAttentionFunction::apply(t, ScoreMask{m}, heads, scale, p));
  }
  TS_CATCH(return nullptr)
}
