// libFuzzer target for the Hub client's untrusted inputs (built with -DCALFLOPS_FUZZ=ON and clang).
//   build-sanitize/hub_fuzz -dict=fuzz/hub.dict fuzz/corpus/hub/
#include "fuzz/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return calflops::fuzz::HubInputs(data, size);
}
