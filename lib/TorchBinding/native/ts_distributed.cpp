// torch.distributed's engine (c10d) for the binding: stores (TCP, file, prefix), the gloo process group and the
// collectives training needs. Nothing here communicates by itself: every byte goes through libtorch's c10d and gloo,
// the same code PyTorch's Python ranks run, so ours and theirs can share one group.
//
// Built only where the libtorch headers carry c10d and gloo (Debian: libtorch-dev + libgloo-dev; a PyTorch Python package
// may carry both) and where this file compiles against them (CMakeLists.txt tries it first and defines TS_NO_DISTRIBUTED
// where it does not); elsewhere every export fails with a message saying so.
#include "ts_api.h"

#include <chrono>
#include <cstring>

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

#endif
