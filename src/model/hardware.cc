#include "model/hardware.h"

namespace calflops {

std::optional<double> Hardware::PeakFlops(DType t) const {
  auto get = [this](const char* k) -> std::optional<double> {
    auto it = peak_flops.find(k);
    if (it == peak_flops.end()) return std::nullopt;
    return it->second;
  };
  switch (t) {
    case DType::kBF16:
      if (auto v = get("bfloat16")) return v;
      return get("float16");
    case DType::kF16:
      if (auto v = get("float16")) return v;
      return get("bfloat16");
    case DType::kF8E4M3:
    case DType::kF8E5M2:
      if (auto v = get("float8")) return v;
      if (auto v = get("float16")) return v;
      return get("bfloat16");
    case DType::kI8:
    case DType::kU8:
      if (auto v = get("int8")) return v;
      return get("float16");
    default:
      return get("float32");
  }
}

}  // namespace calflops
