#include "fuzz_target.h"

#include <cstdio>
#include <cstdlib>
#include <streambuf>
#include <vector>

namespace calflops::fuzz {
namespace {

std::vector<Target>& Registry() {
  static std::vector<Target> targets;
  return targets;
}

class NullBuffer : public std::streambuf {
 protected:
  int overflow(int c) override { return c == traits_type::eof() ? 0 : c; }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

}  // namespace

std::span<const Target> Targets() { return Registry(); }

bool RegisterTarget(const char* name, TargetFn run) {
  Registry().push_back(Target{name, run});
  return true;
}

std::string RejectionProblem(const Error& e) {
  std::string what = e.what();
  if (e.code() == ExitCode::kInternal) return "internal error on an input: " + what;
  if (e.code() == ExitCode::kOk) return "error with exit code 0: " + what;
  if (what.empty()) return "empty error message";
  if (what.find('\n') != std::string::npos || what.find('\r') != std::string::npos) {
    return "error message is not one line: " + what;
  }
  return "";
}

int RunForLibFuzzer(TargetFn run, const uint8_t* data, size_t size) {
  try {
    run(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const Error& e) {
    std::string problem = RejectionProblem(e);
    if (!problem.empty()) {
      std::fprintf(stderr, "calflops fuzz: %s\n", problem.c_str());
      std::abort();
    }
  }
  return 0;
}

std::ostream& NullOut() {
  static NullBuffer buffer;
  static std::ostream out(&buffer);
  return out;
}

}  // namespace calflops::fuzz
