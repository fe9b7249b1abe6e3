// libFuzzer target for the hardware reader (built with -DCALFLOPS_FUZZ=ON and clang).
//   build-sanitize/hardware_fuzz -dict=fuzz/hardware.dict fuzz/corpus/hardware/
#include "fuzz/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return calflops::fuzz::HardwareProfile(data, size);
}
