// One error vocabulary for the whole library: what was expected, what was found, and where.
// Error and ExitCode are public (calflops/error.h); the helpers here are the library's.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "calflops/error.h"

namespace calflops {

inline Error BadInput(std::string where, const std::string& what) {
  return Error(ExitCode::kBadInput, std::move(where), what);
}
inline Error Unsupported(std::string where, const std::string& what) {
  return Error(ExitCode::kUnsupported, std::move(where), what);
}

/// `s` with control characters and non-UTF-8 bytes escaped and cut to `max_bytes` (head ...
/// tail): one safe line.
std::string OneLine(std::string_view s, size_t max_bytes = kMaxErrorPartBytes);

}  // namespace calflops
