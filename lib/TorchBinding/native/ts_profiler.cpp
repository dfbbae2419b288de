// libtorch's operator profiler (the legacy, CPU one: present in 1.13 and 2.x alike), summarised per operator name: calls,
// inclusive time and self time (inclusive minus the operators called inside it), as PyTorch's key_averages() gives.
// Events are recorded on the thread that started profiling and on the work it launches; CPU backward runs on that
// thread too, so a training step is seen whole.
#include <torch/csrc/autograd/profiler_legacy.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>

#include "ts_api.h"

namespace prof = torch::autograd::profiler;

namespace {
struct Totals {
  int64_t calls = 0;
  double total_us = 0;
  double self_us = 0;
};

struct Open {
  const prof::LegacyEvent* push;
  double children_us;
};
}  // namespace

namespace {
thread_local bool grouped_by_shape = false;   // profiling is per thread, and so is its setting

// "aten::add [16, 128, 256] [16, 128, 256]" when shapes are recorded (scalars and non-tensors print as []).
std::string key_of(const prof::LegacyEvent& e) {
  std::string key = e.name();
  if (!grouped_by_shape) return key;
  for (const auto& shape : e.shapes()) {
    key += " [";
    for (size_t k = 0; k < shape.size(); ++k) key += (k ? ", " : "") + std::to_string(shape[k]);
    key += "]";
  }
  return key;
}
}  // namespace

// Starts recording on this thread; with record_shapes, operators are told apart by their input shapes too.
TS_EXPORT int32_t TS_profiler_start(int32_t record_shapes) {
  try {
    grouped_by_shape = record_shapes != 0;
    prof::enableProfilerLegacy(torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU, grouped_by_shape));
    return 0;
  }
  TS_CATCH(return -1)
}

// Stops profiling; returns one line per operator, "name\tcalls\ttotal_us\tself_us\n", as a malloc'ed string (free it
// with TS_free_error), or nullptr on error.
TS_EXPORT char* TS_profiler_stop() {
  try {
    prof::thread_event_lists lists = prof::disableProfilerLegacy();
    std::map<std::string, Totals> by_name;
    for (const auto& events : lists) {
      std::vector<Open> stack;
      for (const auto& e : events) {
        if (e.kind() == prof::EventKind::PushRange) {
          stack.push_back({&e, 0.0});
        } else if (e.kind() == prof::EventKind::PopRange && !stack.empty()) {
          Open open = stack.back();
          stack.pop_back();
          double elapsed = open.push->cpuElapsedUs(e);
          Totals& t = by_name[key_of(*open.push)];
          t.calls += 1;
          t.total_us += elapsed;
          t.self_us += elapsed - open.children_us;
          if (!stack.empty()) stack.back().children_us += elapsed;
        }
      }
    }
    std::ostringstream out;
    out.precision(12);
    for (const auto& [name, t] : by_name) out << name << '\t' << t.calls << '\t' << t.total_us << '\t' << t.self_us << '\n';
    std::string text = out.str();
    char* copy = static_cast<char*>(std::malloc(text.size() + 1));
    if (!copy) throw std::bad_alloc();
    std::memcpy(copy, text.c_str(), text.size() + 1);
    return copy;
  }
  TS_CATCH(return nullptr)
}

// Whether this thread is being profiled (a second start is refused by libtorch; the C# side says so first).
TS_EXPORT int32_t TS_profiler_enabled() { return torch::profiler::impl::profilerEnabled() ? 1 : 0; }
