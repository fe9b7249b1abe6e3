// libFuzzer target for the config reader (built with -DCALFLOPS_FUZZ=ON and clang).
//   build-sanitize/config_fuzz -dict=fuzz/config.dict fuzz/corpus/config/
#include "fuzz/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return calflops::fuzz::ConfigJson(data, size);
}
