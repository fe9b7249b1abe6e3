// What each fuzz target does with one input: read it with a reader, then run everything
// downstream (weights analysis, the GGUF -> config mapping and the architecture builders,
// the report writers). A located calflops::Error is the expected outcome for bad input; any
// other exception, crash or sanitizer report is a bug. The libFuzzer targets (fuzz/*_fuzz.cc)
// and the corpus replay test (tests/fuzz_corpus_test.cc) call these same functions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace calflops::fuzz {

int Gguf(const uint8_t* data, size_t size);
int Safetensors(const uint8_t* data, size_t size);
int SafetensorsIndex(const uint8_t* data, size_t size);
/// ONNX: parse, shape inference, lowering and costing under both conventions.
int Onnx(const uint8_t* data, size_t size);

}  // namespace calflops::fuzz
