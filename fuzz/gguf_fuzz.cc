// libFuzzer target for the gguf reader (built with -DCALFLOPS_FUZZ=ON and clang).
//   build-sanitize/gguf_fuzz fuzz/corpus/gguf/
#include "fuzz/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return calflops::fuzz::Gguf(data, size);
}
