// libFuzzer target for the safetensors reader (built with -DCALFLOPS_FUZZ=ON and clang).
//   build-sanitize/safetensors_fuzz fuzz/corpus/safetensors/
#include "fuzz/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return calflops::fuzz::Safetensors(data, size);
}
