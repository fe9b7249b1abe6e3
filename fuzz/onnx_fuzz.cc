// libFuzzer target for the ONNX reader and everything behind it: wire-format parsing, shape
// inference over whatever graph the bytes describe, lowering and costing. Any input must end in
// a result or a calflops::Error: never a crash, a sanitizer report, a hang or a huge allocation.
// Seeds: tests/data/onnx/*.onnx.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analysis/analyze.h"
#include "model/error.h"
#include "readers/onnx/onnx_architecture.h"
#include "readers/onnx/onnx_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    calflops::onnx::Model m = calflops::onnx::ParseOnnx(bytes, "fuzz.onnx");
    auto arch = calflops::onnx::OnnxArchitecture::Build(m, {});
    calflops::Analyze(*arch, calflops::Workload{}, calflops::Convention::kAnalytic);
    calflops::Analyze(*arch, calflops::Workload{}, calflops::Convention::kCalflops);
  } catch (const calflops::Error&) {
    // a located, reported error: the expected outcome for bad input
  }
  return 0;
}
