// libFuzzer target for the safetensors index reader (built with -DCALFLOPS_FUZZ=ON and clang).
//   build-sanitize/safetensors_index_fuzz fuzz/corpus/safetensors_index/
#include "fuzz/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return calflops::fuzz::SafetensorsIndex(data, size);
}
