#include "model/hardware.h"

namespace calflops {

std::optional<double> Hardware::PeakFlops(DType t) const {
  auto get = [this](const char* k) -> std::optional<double> {
    auto it = peak_flops.find(k);
    if (it == peak_flops.end()) return std::nullopt;
    return it->second;
  };
  // The dtype's own rate, then its nearest kin; last, float32 (required in every profile): a
  // device that lists no rate for a narrow type runs it at least as fast as float32.
  std::optional<double> v;
  switch (t) {
    case DType::kBF16:
      v = get("bfloat16");
      if (!v) v = get("float16");
      break;
    case DType::kF16:
      v = get("float16");
      if (!v) v = get("bfloat16");
      break;
    case DType::kF8E4M3:
    case DType::kF8E5M2:
      v = get("float8");
      if (!v) v = get("float16");
      if (!v) v = get("bfloat16");
      break;
    case DType::kI8:
    case DType::kU8:
      v = get("int8");
      if (!v) v = get("float16");
      break;
    default:
      break;
  }
  return v ? v : get("float32");
}

}  // namespace calflops
