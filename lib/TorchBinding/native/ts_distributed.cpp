// torch.distributed's engine (c10d) for the binding: stores (TCP, file, prefix), the gloo process group and the
// collectives training needs. Nothing here communicates by itself: every byte goes through libtorch's c10d and gloo,
// the same code PyTorch's Python ranks run, so ours and theirs can share one group.
//
// Built only where the libtorch headers carry c10d and gloo (Debian: libtorch-dev + libgloo-dev; a PyTorch Python package
// may carry both) and where this file compiles against them (CMakeLists.txt tries it first and defines TS_NO_DISTRIBUTED
// where it does not); elsewhere every export fails with a message saying so.
#include "ts_api.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>

#if !defined(TS_NO_DISTRIBUTED) && __has_include(<torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>) && __has_include(<gloo/config.h>)
#define TS_HAS_C10D 1
// The gloo group's header is empty unless USE_C10D_GLOO is defined. Debian's Torch CMake config defines it; a Python
// package's libtorch (./lab setup --torch python, the GPU check) is built without that config, so it is defined here.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1
#endif
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/autograd/functions/accumulate_grad.h>
#include <unordered_set>
#endif

#ifdef TS_HAS_C10D
typedef c10::intrusive_ptr<c10d::Store>* TSStore;
typedef c10::intrusive_ptr<c10d::ProcessGroupGloo>* TSGroup;

namespace {
std::chrono::milliseconds ms(int64_t v) { return std::chrono::milliseconds(v); }

// Waits for a collective; a peer that died or hangs ends the wait with gloo's error (or a timeout) instead of blocking.
void wait(const c10::intrusive_ptr<c10d::Work>& work, int64_t timeout_ms) {
  work->wait(ms(timeout_ms > 0 ? timeout_ms : 0));   // 0: no limit beyond the group's own timeout
}

c10d::ReduceOp op_of(int32_t op) {
  switch (op) {
    case 0: return c10d::ReduceOp::SUM;
    case 1: return c10d::ReduceOp::PRODUCT;
    case 2: return c10d::ReduceOp::MIN;
    case 3: return c10d::ReduceOp::MAX;
    default: throw std::invalid_argument("unknown reduce op " + std::to_string(op) + " (0 sum, 1 product, 2 min, 3 max)");
  }
}
}  // namespace

TS_EXPORT int32_t TS_distributed_available() { return 1; }

// A TCP store: the server lives in the process with is_server (rank 0, as PyTorch's env:// rendezvous does).
TS_EXPORT void* TS_Store_tcp(const char* host, int32_t port, int32_t world_size, int32_t is_server, int64_t timeout_ms) {
  try {
    c10d::TCPStoreOptions opts;
    opts.port = static_cast<std::uint16_t>(port);
    opts.isServer = is_server != 0;
    if (world_size > 0) opts.numWorkers = static_cast<std::size_t>(world_size);
    opts.waitWorkers = false;   // the group's store-based barrier waits for the others, as PyTorch's does
    opts.timeout = ms(timeout_ms);
    auto store = c10::make_intrusive<c10d::TCPStore>(std::string(host), opts);
    return new c10::intrusive_ptr<c10d::Store>(store);
  }
  TS_CATCH(return nullptr)
}

TS_EXPORT void* TS_Store_file(const char* path, int32_t world_size) {
  try {
    return new c10::intrusive_ptr<c10d::Store>(c10::make_intrusive<c10d::FileStore>(std::string(path), world_size));
  }
  TS_CATCH(return nullptr)
}

// Keys under "prefix/", as torch.distributed.PrefixStore.
TS_EXPORT void* TS_Store_prefix(const char* prefix, void* store) {
  try {
    return new c10::intrusive_ptr<c10d::Store>(c10::make_intrusive<c10d::PrefixStore>(std::string(prefix), *static_cast<TSStore>(store)));
  }
  TS_CATCH(return nullptr)
}

TS_EXPORT void TS_Store_free(void* store) { delete static_cast<TSStore>(store); }

TS_EXPORT int32_t TS_Store_set_timeout(void* store, int64_t timeout_ms) {
  TS_STATUS((*static_cast<TSStore>(store))->setTimeout(ms(timeout_ms)))
}

TS_EXPORT int32_t TS_Store_set(void* store, const char* key, const uint8_t* value, int64_t length) {
  TS_STATUS((*static_cast<TSStore>(store))->set(std::string(key), std::vector<uint8_t>(value, value + length)))
}

// The value of a key (waiting for it up to the store's timeout), copied into a buffer the caller frees with TS_Store_free_value.
TS_EXPORT int32_t TS_Store_get(void* store, const char* key, uint8_t** value, int64_t* length) {
  TS_STATUS({
    auto v = (*static_cast<TSStore>(store))->get(std::string(key));
    *length = static_cast<int64_t>(v.size());
    *value = static_cast<uint8_t*>(std::malloc(v.empty() ? 1 : v.size()));
    if (!v.empty()) std::memcpy(*value, v.data(), v.size());
  })
}

TS_EXPORT void TS_Store_free_value(uint8_t* value) { std::free(value); }

TS_EXPORT int32_t TS_Store_add(void* store, const char* key, int64_t amount, int64_t* result) {
  TS_STATUS(*result = (*static_cast<TSStore>(store))->add(std::string(key), amount))
}

// A gloo process group over the store; its timeout bounds every collective (PyTorch's default: 30 minutes).
TS_EXPORT void* TS_ProcessGroupGloo_new(void* store, int32_t rank, int32_t size, int64_t timeout_ms) {
  try {
    auto options = c10d::ProcessGroupGloo::Options::create(ms(timeout_ms));
    // As PyTorch's Python binding: the interface named by GLOO_SOCKET_IFNAME, else the device of this host's name.
    const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
    options->devices.push_back(ifname && *ifname ? c10d::ProcessGroupGloo::createDeviceForInterface(ifname)
                                                 : c10d::ProcessGroupGloo::createDefaultDevice());
    auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(*static_cast<TSStore>(store), rank, size, options);
    return new c10::intrusive_ptr<c10d::ProcessGroupGloo>(group);
  }
  TS_CATCH(return nullptr)
}

TS_EXPORT void TS_ProcessGroup_free(void* group) { delete static_cast<TSGroup>(group); }

TS_EXPORT int32_t TS_ProcessGroup_rank(void* group) { return (*static_cast<TSGroup>(group))->getRank(); }

TS_EXPORT int32_t TS_ProcessGroup_size(void* group) { return (*static_cast<TSGroup>(group))->getSize(); }

// Python's init_process_group does this for gloo groups (rank 0 writes a sequence number to the store, the others read
// it): a group that holds a Python rank must do it too, or that rank waits for the key.
TS_EXPORT int32_t TS_ProcessGroup_set_sequence_number(void* group) {
  TS_STATUS((*static_cast<TSGroup>(group))->setSequenceNumberForGroup())
}

TS_EXPORT int32_t TS_ProcessGroup_all_reduce(void* group, TSTensor tensor, int32_t op, int64_t timeout_ms) {
  TS_STATUS({
    std::vector<at::Tensor> tensors{*tensor};
    c10d::AllreduceOptions opts;
    opts.reduceOp = op_of(op);
    wait((*static_cast<TSGroup>(group))->allreduce(tensors, opts), timeout_ms);
  })
}

TS_EXPORT int32_t TS_ProcessGroup_broadcast(void* group, TSTensor tensor, int32_t root, int64_t timeout_ms) {
  TS_STATUS({
    std::vector<at::Tensor> tensors{*tensor};
    c10d::BroadcastOptions opts;
    opts.rootRank = root;
    wait((*static_cast<TSGroup>(group))->broadcast(tensors, opts), timeout_ms);
  })
}

// Every rank's tensor into outputs[0..size) (each shaped as the input), as torch.distributed.all_gather.
TS_EXPORT int32_t TS_ProcessGroup_all_gather(void* group, TSTensor* outputs, int32_t n, TSTensor input, int64_t timeout_ms) {
  TS_STATUS({
    std::vector<std::vector<at::Tensor>> out{ts_list(outputs, n)};
    std::vector<at::Tensor> in{*input};
    wait((*static_cast<TSGroup>(group))->allgather(out, in), timeout_ms);
  })
}

TS_EXPORT int32_t TS_ProcessGroup_barrier(void* group, int64_t timeout_ms) {
  TS_STATUS(wait((*static_cast<TSGroup>(group))->barrier(), timeout_ms))
}


// ---- Gradient buckets reduced during the backward pass (what DDP's Reducer does) ----
//
// The trained parameters are cut into buckets in reverse order (the order their gradients arrive in): the first of at
// most first_bucket_bytes, so communication starts early, the others of at most bucket_bytes, each of one dtype and
// device. While the backward pass runs, a hook on each parameter copies its gradient (times the rank's weight) into its
// bucket's flat tensor; a full bucket is all-reduced asynchronously by gloo's threads while the backward pass goes on.
// Buckets are launched strictly in index order, so every rank issues the same collectives in the same order even when
// its gradients arrive in another order. finalize copies in what no hook saw (a parameter this rank did not use, or a
// backward pass that was not armed), launches the rest, waits and writes the averaged gradients back. A parameter the
// backward pass will not reach is found when it is armed (a walk of the graph from the loss) and counts as ready at once.
namespace {
struct Bucket {
  std::vector<size_t> params;   // indices into Reducer::params
  at::Tensor flat;
  std::vector<int64_t> offsets;
  size_t pending = 0;
  c10::intrusive_ptr<c10d::Work> work;
};

struct Reducer {
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
  std::vector<at::Tensor> params;
  std::vector<unsigned> hooks;
  std::vector<size_t> bucket_of, slot_of;
  std::vector<bool> seen;
  std::vector<Bucket> buckets;
  std::mutex mutex;
  bool prepared = false;   // between prepare and finalize: the buckets' counts are set for one step
  bool armed = false;
  bool repeated = false;   // a second backward pass after one prepare with overlap: its gradients would be lost
  double weight = 1.0;
  size_t next_launch = 0;
  size_t launched_early = 0;   // buckets whose all-reduce started before finalize (during the backward pass)

  at::Tensor slot(size_t i) {
    auto& b = buckets[bucket_of[i]];
    return b.flat.narrow(0, b.offsets[slot_of[i]], params[i].numel());
  }

  // This backward pass's gradient plus what the parameter already holds (an earlier backward of the same step).
  void fill(size_t i, const at::Tensor* grad) {
    at::NoGradGuard no_grad;
    auto s = slot(i);
    const at::Tensor& held = params[i].grad();
    if (grad != nullptr && held.defined()) at::add_out(s, grad->reshape(-1), held.reshape(-1));
    else if (grad != nullptr) s.copy_(grad->reshape(-1));
    else if (held.defined()) s.copy_(held.reshape(-1));
    else s.zero_();
    s.mul_(weight);
    seen[i] = true;
    if (--buckets[bucket_of[i]].pending == 0) launch_ready();
  }

  void launch_ready() {
    while (next_launch < buckets.size() && buckets[next_launch].pending == 0) {
      std::vector<at::Tensor> tensors{buckets[next_launch].flat};
      buckets[next_launch].work = group->allreduce(tensors);
      ++next_launch;
    }
  }

  void on_gradient(size_t i, const at::Tensor& grad) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!armed) return;
    if (seen[i]) {
      repeated = true;
      return;
    }
    if (grad.is_sparse()) throw std::invalid_argument("data-parallel: sparse gradients are not supported");
    fill(i, &grad);
  }

  // The parameters the backward pass from outputs reaches (DDP's find_unused_parameters): a walk of the autograd graph
  // to its AccumulateGrad nodes.
  std::unordered_set<const c10::TensorImpl*> reached(const std::vector<at::Tensor>& outputs) {
    std::unordered_set<const c10::TensorImpl*> found;
    std::unordered_set<const torch::autograd::Node*> visited;
    std::vector<torch::autograd::Node*> stack;
    for (const auto& o : outputs)
      if (o.defined() && o.grad_fn()) stack.push_back(o.grad_fn().get());
    while (!stack.empty()) {
      auto* node = stack.back();
      stack.pop_back();
      if (!visited.insert(node).second) continue;
      if (auto* leaf = dynamic_cast<torch::autograd::AccumulateGrad*>(node)) found.insert(leaf->variable.unsafeGetTensorImpl());
      for (const auto& edge : node->next_edges())
        if (edge.function) stack.push_back(edge.function.get());
    }
    return found;
  }

  void prepare(double w, bool arm, const std::vector<at::Tensor>& outputs) {
    std::lock_guard<std::mutex> lock(mutex);
    weight = w;
    prepared = true;
    armed = arm;
    repeated = false;
    next_launch = 0;
    launched_early = 0;
    std::fill(seen.begin(), seen.end(), false);
    for (auto& b : buckets) {
      b.pending = b.params.size();
      b.work.reset();
    }
    if (!arm) return;
    // A parameter the coming backward pass does not reach is ready now: otherwise its bucket, and every bucket after
    // it, would wait for finalize and nothing would overlap.
    auto used = reached(outputs);
    for (size_t i = 0; i < params.size(); ++i)
      if (!used.count(params[i].unsafeGetTensorImpl())) fill(i, nullptr);
  }

  void finalize(int64_t timeout_ms) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!prepared) throw std::logic_error("data-parallel: finalize_backward without prepare_for_backward for this step");
      prepared = false;
      launched_early = next_launch;
      armed = false;
      for (size_t i = 0; i < params.size(); ++i)
        if (!seen[i]) fill(i, nullptr);
    }
    at::NoGradGuard no_grad;
    for (auto& b : buckets) {
      wait(b.work, timeout_ms);
      for (size_t k = 0; k < b.params.size(); ++k) {
        at::Tensor& p = params[b.params[k]];
        auto reduced = b.flat.narrow(0, b.offsets[k], p.numel()).view(p.sizes());
        if (p.grad().defined()) p.mutable_grad().copy_(reduced);
        else p.mutable_grad() = reduced.clone();
      }
    }
    // Raised after the collectives, so that the other ranks are not left waiting in one.
    if (repeated)
      throw std::logic_error("data-parallel: a second backward pass after prepare_for_backward with overlap (its gradients are not in the "
                             "average); a step of several backward passes prepares with overlap off");
  }
};
}  // namespace

TS_EXPORT void* TS_Reducer_new(void* group, TSTensor* params, int32_t n, int64_t first_bucket_bytes, int64_t bucket_bytes) {
  try {
    auto r = std::make_unique<Reducer>();
    r->group = *static_cast<TSGroup>(group);
    for (int32_t k = 0; k < n; ++k)
      if (params[k]->requires_grad()) r->params.push_back(*params[k]);
    size_t count = r->params.size();
    r->bucket_of.resize(count);
    r->slot_of.resize(count);
    r->seen.assign(count, false);
    int64_t bytes = 0;
    for (size_t j = count; j-- > 0;) {
      const at::Tensor& p = r->params[j];
      int64_t size = p.numel() * static_cast<int64_t>(p.element_size());
      int64_t cap = r->buckets.size() == 1 ? first_bucket_bytes : bucket_bytes;   // the cap of the bucket being filled
      bool fits = !r->buckets.empty() && bytes + size <= cap && r->params[r->buckets.back().params.front()].scalar_type() == p.scalar_type() &&
                  r->params[r->buckets.back().params.front()].device() == p.device();
      if (!fits) {
        r->buckets.emplace_back();
        bytes = 0;
      }
      auto& b = r->buckets.back();
      r->bucket_of[j] = r->buckets.size() - 1;
      r->slot_of[j] = b.params.size();
      b.offsets.push_back(bytes / static_cast<int64_t>(p.element_size()));
      b.params.push_back(j);
      bytes += size;
    }
    for (auto& b : r->buckets) {
      const at::Tensor& first = r->params[b.params.front()];
      int64_t total = 0;
      for (size_t j : b.params) total += r->params[j].numel();
      b.flat = at::empty({total}, first.options().requires_grad(false));
    }
    Reducer* raw = r.get();
    for (size_t j = 0; j < count; ++j)
      r->hooks.push_back(r->params[j].register_hook([raw, j](const at::Tensor& grad) { raw->on_gradient(j, grad); }));
    return r.release();
  }
  TS_CATCH(return nullptr)
}

TS_EXPORT int32_t TS_Reducer_bucket_count(void* reducer) { return static_cast<int32_t>(static_cast<Reducer*>(reducer)->buckets.size()); }

// outputs: what the backward pass starts from (the loss), to find the parameters it will not reach.
TS_EXPORT int32_t TS_Reducer_prepare(void* reducer, double weight, int32_t overlap, TSTensor* outputs, int32_t n) {
  TS_STATUS(static_cast<Reducer*>(reducer)->prepare(weight, overlap != 0, ts_list(outputs, n)))
}

TS_EXPORT int32_t TS_Reducer_overlapped_buckets(void* reducer) { return static_cast<int32_t>(static_cast<Reducer*>(reducer)->launched_early); }

TS_EXPORT int32_t TS_Reducer_finalize(void* reducer, int64_t timeout_ms) {
  TS_STATUS(static_cast<Reducer*>(reducer)->finalize(timeout_ms))
}

TS_EXPORT void TS_Reducer_free(void* reducer) {
  auto* r = static_cast<Reducer*>(reducer);
  for (size_t j = 0; j < r->hooks.size(); ++j) r->params[j].remove_hook(r->hooks[j]);
  delete r;
}

#else

namespace {
#ifdef TS_NO_DISTRIBUTED
const char* kNoC10d =
    "this shim was built without torch.distributed: ts_distributed.cpp did not compile against this libtorch's c10d "
    "(written for libtorch 1.13; the shim's CMake configure step printed the first error)";
#else
const char* kNoC10d =
    "this libtorch build's headers carry no c10d/gloo (torch/csrc/distributed/c10d/ProcessGroupGloo.hpp and gloo/config.h): "
    "on Debian install libgloo-dev and rebuild (./lab setup)";
#endif
}

TS_EXPORT int32_t TS_distributed_available() { return 0; }
TS_EXPORT void* TS_Store_tcp(const char*, int32_t, int32_t, int32_t, int64_t) { ts_set_error(kNoC10d); return nullptr; }
TS_EXPORT void* TS_Store_file(const char*, int32_t) { ts_set_error(kNoC10d); return nullptr; }
TS_EXPORT void* TS_Store_prefix(const char*, void*) { ts_set_error(kNoC10d); return nullptr; }
TS_EXPORT void TS_Store_free(void*) {}
TS_EXPORT int32_t TS_Store_set_timeout(void*, int64_t) { ts_set_error(kNoC10d); return -1; }
TS_EXPORT int32_t TS_Store_set(void*, const char*, const uint8_t*, int64_t) { ts_set_error(kNoC10d); return -1; }
TS_EXPORT int32_t TS_Store_get(void*, const char*, uint8_t**, int64_t*) { ts_set_error(kNoC10d); return -1; }
TS_EXPORT void TS_Store_free_value(uint8_t*) {}
TS_EXPORT int32_t TS_Store_add(void*, const char*, int64_t, int64_t*) { ts_set_error(kNoC10d); return -1; }
TS_EXPORT void* TS_ProcessGroupGloo_new(void*, int32_t, int32_t, int64_t) { ts_set_error(kNoC10d); return nullptr; }
TS_EXPORT void TS_ProcessGroup_free(void*) {}
TS_EXPORT int32_t TS_ProcessGroup_rank(void*) { return -1; }
TS_EXPORT int32_t TS_ProcessGroup_size(void*) { return -1; }
TS_EXPORT int32_t TS_ProcessGroup_set_sequence_number(void*) { ts_set_error(kNoC10d); return -1; }
TS_EXPORT int32_t TS_ProcessGroup_all_reduce(void*, TSTensor, int32_t, int64_t) { ts_set_error(kNoC10d); return -1; }
TS_EXPORT int32_t TS_ProcessGroup_broadcast(void*, TSTensor, int32_t, int64_t) { ts_set_error(kNoC10d); return -1; }
TS_EXPORT int32_t TS_ProcessGroup_all_gather(void*, TSTensor*, int32_t, TSTensor, int64_t) { ts_set_error(kNoC10d); return -1; }
TS_EXPORT int32_t TS_ProcessGroup_barrier(void*, int64_t) { ts_set_error(kNoC10d); return -1; }
TS_EXPORT void* TS_Reducer_new(void*, TSTensor*, int32_t, int64_t, int64_t) { ts_set_error(kNoC10d); return nullptr; }
TS_EXPORT int32_t TS_Reducer_bucket_count(void*) { return 0; }
TS_EXPORT int32_t TS_Reducer_prepare(void*, double, int32_t, TSTensor*, int32_t) { ts_set_error(kNoC10d); return -1; }
TS_EXPORT int32_t TS_Reducer_overlapped_buckets(void*) { return 0; }
TS_EXPORT int32_t TS_Reducer_finalize(void*, int64_t) { ts_set_error(kNoC10d); return -1; }
TS_EXPORT void TS_Reducer_free(void*) {}

#endif
