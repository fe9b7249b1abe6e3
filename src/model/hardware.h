// A device for the roofline: peak dense FLOP/s per dtype, memory bandwidth and capacity. The
// bundled profiles (hardware/*.json, compiled in) and user files share one format, read by
// readers/hardware/hardware_reader.h; docs/memory-and-latency.md lists the sources.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "model/dtype.h"

namespace calflops {

struct Hardware {
  std::string name{};         ///< short name for --hardware ("h100-sxm")
  std::string description{};  ///< "NVIDIA H100 SXM5 80GB"
  double memory_bytes = 0;    ///< device memory capacity
  double bandwidth = 0;       ///< memory bandwidth, bytes per second
  /// Peak dense FLOP/s by dtype name as the file spells it ("bfloat16", "float16", "float32",
  /// "tf32", "float8", "int8").
  std::map<std::string, double> peak_flops{};
  std::string source{};  ///< where the numbers come from

  /// Peak for arithmetic in `t`: the dtype's own entry; float8 falls back to float16, bfloat16
  /// and float16 to each other, float64 and anything else to float32. Not tf32: PyTorch runs
  /// float32 matmuls at full precision unless told otherwise.
  std::optional<double> PeakFlops(DType t) const;
};

}  // namespace calflops
