// Fuzz targets: one function per reader, from raw bytes through the reader, the analysis and the
// report writers, so shape inference and cost formulas are fuzzed along with the parser.
//
// A target file fuzz/<name>_fuzz.cc defines `void Run(std::string_view bytes)` and ends with
// CALFLOPS_FUZZ_TARGET(<name>, Run). Built with clang and -DCALFLOPS_FUZZ=ON, that becomes
// libFuzzer's LLVMFuzzerTestOneInput; in the normal test binary (-DCALFLOPS_FUZZ_REPLAY) it
// registers the function, and tests/fuzz_replay_test.cc feeds it every file of
// fuzz/corpus/<name>/. The same function runs in both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "model/error.h"

namespace calflops::fuzz {

/// Runs one input: returns when the input is accepted, throws calflops::Error when it is
/// rejected. Anything else (another exception, a crash, a sanitizer report, a hang) is a bug.
using TargetFn = void (*)(std::string_view bytes);

struct Target {
  const char* name;  ///< corpus folder: fuzz/corpus/<name>/
  TargetFn run;
};

/// The targets linked into this binary, in registration order.
std::span<const Target> Targets();
/// Adds a target (CALFLOPS_FUZZ_TARGET does it); returns true.
bool RegisterTarget(const char* name, TargetFn run);

/// What is wrong with a rejection, or "" when it is a proper one: a bad-input, unsupported or
/// overflow error with a non-empty one-line message. An internal error means a reader let
/// through something the library cannot handle, which is a bug.
std::string RejectionProblem(const Error& e);

/// libFuzzer's entry: runs `run`; an improper rejection aborts so that libFuzzer records it.
int RunForLibFuzzer(TargetFn run, const uint8_t* data, size_t size);

/// An output stream that formats and discards (report writers run in full).
std::ostream& NullOut();

}  // namespace calflops::fuzz

#ifdef CALFLOPS_FUZZ_REPLAY
#define CALFLOPS_FUZZ_TARGET(name, fn) \
  [[maybe_unused]] static const bool calflops_fuzz_target_##name = \
      ::calflops::fuzz::RegisterTarget(#name, fn);
#else
#define CALFLOPS_FUZZ_TARGET(name, fn)                                        \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { \
    return ::calflops::fuzz::RunForLibFuzzer(fn, data, size);               \
  }
#endif
