// What each fuzz target does with one input: read it with a reader, then run everything
// downstream (weights analysis, the GGUF -> config mapping and the architecture builders,
// the report writers). A located calflops::Error is the expected outcome for bad input; any
// other exception, crash or sanitizer report is a bug. The libFuzzer targets (fuzz/*_fuzz.cc)
// and the corpus replay test (tests/fuzz_corpus_test.cc) call these same functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "model/error.h"

namespace calflops::fuzz {

int Gguf(const uint8_t* data, size_t size);
int Safetensors(const uint8_t* data, size_t size);
int SafetensorsIndex(const uint8_t* data, size_t size);
/// ONNX: parse, shape inference, lowering and costing under both conventions.
int Onnx(const uint8_t* data, size_t size);
/// config.json: the architecture builders, forward / generate / training analyses (folded
/// decode steps checked against replayed ones), estimates, text and JSON reports.
int ConfigJson(const uint8_t* data, size_t size);
/// --hardware-file profiles: a small model's generation and training step costed on them.
int HardwareProfile(const uint8_t* data, size_t size);
/// The Hub client's untrusted inputs: a model argument (ParseHubName), a cache ref file's
/// content, a repo file name, and HTTP response header lines (ETag, X-Repo-Commit,
/// Content-Range).
int HubInputs(const uint8_t* data, size_t size);

/// What is wrong with a rejection, or "" when it is a proper one: a bad-input, unsupported or
/// overflow error with a non-empty one-line message. An internal error on an input is a bug (a
/// reader let through what the library cannot handle). The entries throw std::logic_error for
/// an improper rejection, which libFuzzer reports as a crash and the replay test as a failure.
std::string RejectionProblem(const Error& e);

}  // namespace calflops::fuzz
