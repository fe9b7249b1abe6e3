// One error vocabulary for the whole library: what was expected, what was found, and where.
#pragma once

#include <stdexcept>
#include <string>

namespace calflops {

/// Exit codes of the command-line tool, one per class of failure.
enum class ExitCode : int {
  kOk = 0,
  kUsage = 1,       ///< bad command line
  kBadInput = 2,    ///< unreadable or invalid model file, config or workload
  kUnsupported = 3, ///< valid input we cannot cost (only with --strict) or unknown architecture
  kOverflow = 4,    ///< a count does not fit in 128 bits
  kInternal = 5,
};

/// An error with a location. `where` is a file, a file plus key/offset, or a node name.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, std::string where, const std::string& what)
      : std::runtime_error(where.empty() ? what : where + ": " + what),
        code_(code),
        where_(std::move(where)) {}
  ExitCode code() const { return code_; }
  const std::string& where() const { return where_; }

 private:
  ExitCode code_;
  std::string where_;
};

inline Error BadInput(std::string where, const std::string& what) {
  return Error(ExitCode::kBadInput, std::move(where), what);
}
inline Error Unsupported(std::string where, const std::string& what) {
  return Error(ExitCode::kUnsupported, std::move(where), what);
}

}  // namespace calflops
