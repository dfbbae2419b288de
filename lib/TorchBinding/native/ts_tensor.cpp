// Tensor lifetime and metadata: handle, dtype, device, shape, data access, autograd state.
#include "ts_api.h"

#include <torch/csrc/autograd/function.h>

TS_EXPORT void TS_Tensor_dispose(TSTensor t) { delete t; }

// A second handle to the same tensor (same TensorImpl, same autograd identity).
TS_EXPORT TSTensor TS_Tensor_alias(TSTensor t) { TS_TENSOR(*t) }

TS_EXPORT int64_t TS_Tensor_ndim(TSTensor t) { return t->dim(); }
TS_EXPORT int64_t TS_Tensor_numel(TSTensor t) { return t->numel(); }
TS_EXPORT int32_t TS_Tensor_dtype(TSTensor t) { return static_cast<int32_t>(t->scalar_type()); }
TS_EXPORT int32_t TS_Tensor_device_type(TSTensor t) { return static_cast<int32_t>(t->device().type()); }
TS_EXPORT int32_t TS_Tensor_device_index(TSTensor t) { return t->device().index(); }
TS_EXPORT int64_t TS_Tensor_element_size(TSTensor t) { return static_cast<int64_t>(t->element_size()); }
TS_EXPORT int32_t TS_Tensor_is_contiguous(TSTensor t) { return t->is_contiguous() ? 1 : 0; }

// Writes ndim sizes into `out` (the caller allocates ndim entries).
TS_EXPORT void TS_Tensor_sizes(TSTensor t, int64_t* out) {
  auto s = t->sizes();
  for (size_t k = 0; k < s.size(); ++k) out[k] = s[k];
}
TS_EXPORT void TS_Tensor_strides(TSTensor t, int64_t* out) {
  auto s = t->strides();
  for (size_t k = 0; k < s.size(); ++k) out[k] = s[k];
}

// Pointer to the first element; only meaningful for CPU tensors (the C# side checks).
TS_EXPORT void* TS_Tensor_data_ptr(TSTensor t) {
  try {
    return t->data_ptr();
  }
  TS_CATCH(return nullptr)
}

TS_EXPORT int32_t TS_Tensor_item_double(TSTensor t, double* out) { TS_STATUS(*out = t->item<double>()) }
TS_EXPORT int32_t TS_Tensor_item_long(TSTensor t, int64_t* out) { TS_STATUS(*out = t->item<int64_t>()) }

TS_EXPORT TSTensor TS_Tensor_clone(TSTensor t) { TS_TENSOR(t->clone()) }
TS_EXPORT TSTensor TS_Tensor_contiguous(TSTensor t) { TS_TENSOR(t->contiguous()) }
TS_EXPORT TSTensor TS_Tensor_detach(TSTensor t) { TS_TENSOR(t->detach()) }
TS_EXPORT int32_t TS_Tensor_detach_(TSTensor t) { TS_STATUS(t->detach_()) }

TS_EXPORT TSTensor TS_Tensor_to(TSTensor t, int32_t dtype, int32_t device_type, int32_t device_index, int32_t copy, int32_t non_blocking) {
  TS_TENSOR(t->to(at::Device(static_cast<at::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index)),
                  static_cast<at::ScalarType>(dtype), non_blocking != 0, copy != 0))
}

// Page-locked host memory, so that a host-to-GPU copy can be asynchronous (libtorch raises without a GPU).
TS_EXPORT TSTensor TS_Tensor_pin_memory(TSTensor t) { TS_TENSOR(t->is_pinned() ? *t : t->pin_memory()) }
TS_EXPORT int32_t TS_Tensor_is_pinned(TSTensor t, int32_t* pinned) { TS_STATUS(*pinned = t->is_pinned() ? 1 : 0) }

// Replaces the data a tensor (typically a Parameter) points to, keeping its identity, as
// Module.to() needs so that optimizers holding the parameter stay valid. Where libtorch cannot swap the
// storage in place (a different kind of tensor: CPU to the data-less meta device), the handle itself is
// pointed at a new leaf with the same requires_grad, so the C# object keeps its identity all the same.
TS_EXPORT int32_t TS_Tensor_set_data(TSTensor t, TSTensor data) {
  TS_STATUS(
    if (at::_has_compatible_shallow_copy_type(*t, *data)) {
      t->set_data(*data);
    } else {
      bool requires_grad = t->requires_grad();
      *t = data->detach();
      if (requires_grad) t->set_requires_grad(true);
    })
}

TS_EXPORT int32_t TS_Tensor_requires_grad(TSTensor t) { return t->requires_grad() ? 1 : 0; }
TS_EXPORT int32_t TS_Tensor_set_requires_grad(TSTensor t, int32_t on) { TS_STATUS(t->set_requires_grad(on != 0)) }
TS_EXPORT int32_t TS_Tensor_is_leaf(TSTensor t) { return t->is_leaf() ? 1 : 0; }
// The version counter: bumped by every in-place change (optimizer steps, copy_), so derived caches can tell stale from fresh.
TS_EXPORT int64_t TS_Tensor_version(TSTensor t) {
  try {
    return static_cast<int64_t>(t->_version());
  } catch (...) {
    return -1;  // inference tensors have no version counter
  }
}
TS_EXPORT int32_t TS_Tensor_retain_grad(TSTensor t) { TS_STATUS(t->retain_grad()) }
TS_EXPORT const char* TS_Tensor_grad_fn_name(TSTensor t) {
  static thread_local std::string name;
  auto fn = t->grad_fn();
  name = fn ? fn->name() : "";
  return name.c_str();
}

// *out = a new handle to the gradient, or nullptr when the tensor has none.
TS_EXPORT int32_t TS_Tensor_grad(TSTensor t, TSTensor* out) {
  TS_STATUS({
    const auto& g = t->grad();
    *out = g.defined() ? ts_new(g) : nullptr;
  })
}
// Sets .grad to None, as PyTorch's zero_grad(set_to_none=True).
TS_EXPORT int32_t TS_Tensor_clear_grad(TSTensor t) { TS_STATUS(t->mutable_grad().reset()) }
TS_EXPORT int32_t TS_Tensor_set_grad(TSTensor t, TSTensor g) { TS_STATUS(t->mutable_grad() = g ? *g : at::Tensor()) }

TS_EXPORT int32_t TS_Tensor_backward(TSTensor t, TSTensor gradient, int32_t retain_graph, int32_t create_graph) {
  TS_STATUS({
    c10::optional<bool> retain = retain_graph < 0 ? c10::nullopt : c10::optional<bool>(retain_graph != 0);
    t->backward(gradient ? *gradient : at::Tensor(), retain, create_graph != 0);
  })
}
