// Autograd switches and gradient utilities.
#include "ts_api.h"

#include <c10/core/GradMode.h>

TS_EXPORT int32_t TS_Autograd_is_grad_enabled() { return c10::GradMode::is_enabled() ? 1 : 0; }
TS_EXPORT void TS_Autograd_set_grad_enabled(int32_t enabled) { c10::GradMode::set_enabled(enabled != 0); }

// Scales the gradients of `params` so that their joint p-norm is at most max_norm (as
// torch.nn.utils.clip_grad_norm_); writes the norm before clipping to *total_norm.
TS_EXPORT int32_t TS_Autograd_clip_grad_norm_(const TSTensor* params, int32_t n, double max_norm, double norm_type,
                                              double* total_norm) {
  TS_STATUS({
    c10::NoGradGuard guard;
    std::vector<at::Tensor> norms;
    for (int32_t k = 0; k < n; ++k) {
      const auto& g = params[k]->grad();
      if (g.defined()) norms.push_back(at::norm(g, norm_type));
    }
    if (norms.empty()) {
      *total_norm = 0.0;
      return 0;
    }
    at::Tensor total = std::isinf(norm_type) ? at::stack(norms).max() : at::norm(at::stack(norms), norm_type);
    *total_norm = total.item<double>();
    double coef = max_norm / (*total_norm + 1e-6);
    if (coef < 1.0) {
      for (int32_t k = 0; k < n; ++k) {
        auto g = params[k]->grad();
        if (g.defined()) g.mul_(coef);
      }
    }
  })
}
