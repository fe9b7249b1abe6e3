// libFuzzer target for the ONNX reader and everything behind it: wire-format parsing, shape
// inference over whatever graph the bytes describe, lowering and costing (built with
// -DCALFLOPS_FUZZ=ON and clang).
//   build-sanitize/onnx_fuzz fuzz/corpus/onnx/
#include "fuzz/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return calflops::fuzz::Onnx(data, size);
}
