// The one way errors leave the shim: a thread-local message, read and freed by the caller.
#include "ts_api.h"

#include <cstdlib>
#include <cstring>

namespace {
thread_local std::string last_error;
thread_local bool has_error = false;
}  // namespace

void ts_set_error(const char* message) {
  last_error = message ? message : "";
  has_error = true;
}

// Returns a malloc'ed copy of the last error message on this thread (or nullptr when
// there is none) and clears it. The caller frees it with TS_free_error.
TS_EXPORT char* TS_last_error() {
  if (!has_error) return nullptr;
  has_error = false;
  char* copy = static_cast<char*>(std::malloc(last_error.size() + 1));
  if (copy) std::memcpy(copy, last_error.c_str(), last_error.size() + 1);
  return copy;
}

TS_EXPORT void TS_free_error(char* message) { std::free(message); }
