// The errors the library throws: one line saying what was expected, what was found and where,
// with the command-line tool's exit code for its class of failure.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace calflops {

/// Exit codes of the command-line tool, one per class of failure (docs/hardening.md).
enum class ExitCode : int {
  kOk = 0,
  kUsage = 1,        ///< bad command line
  kBadInput = 2,     ///< unreadable or invalid model file, config or workload
  kUnsupported = 3,  ///< valid input we cannot cost (only with --strict) or unknown architecture
  kOverflow = 4,     ///< a count does not fit in 128 bits
  kInternal = 5,
};

/// Longest `where` or `what` an error keeps; longer text keeps its head and tail around " ... ".
inline constexpr size_t kMaxErrorPartBytes = 1024;

/// An error with a location. `where` is a file, a file plus key/offset, or a node name.
/// The message is always one line of valid UTF-8: control characters (newlines included) and
/// bytes that are not UTF-8, which may come from the input, are escaped as \n, \xNN; each part is
/// cut to kMaxErrorPartBytes.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, std::string where, const std::string& what)
      : std::runtime_error(Compose(where, what)), code_(code), where_(std::move(where)) {}
  ExitCode code() const { return code_; }
  const std::string& where() const { return where_; }

 private:
  static std::string Compose(const std::string& where, const std::string& what);
  ExitCode code_;
  std::string where_;
};

/// `s` in single quotes for an error message, control characters and non-UTF-8 bytes escaped
/// (\n, \xNN) and cut after `max_bytes` with "...": input strings are echoed safely and briefly.
std::string Quote(std::string_view s, size_t max_bytes = 64);

}  // namespace calflops
