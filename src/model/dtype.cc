#include "model/dtype.h"

#include <array>

namespace calflops {

namespace dtype {
namespace {
struct DTypeInfo {
  DType type;
  int bytes;
  std::string_view name;
  std::array<std::string_view, 3> aliases;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::kF32, 4, "float32", {"float", "fp32", "f32"}},
    {DType::kF16, 2, "float16", {"half", "fp16", "f16"}},
    {DType::kBF16, 2, "bfloat16", {"bf16", "", ""}},
    {DType::kF64, 8, "float64", {"double", "fp64", "f64"}},
    {DType::kF8E4M3, 1, "float8_e4m3fn", {"fp8", "f8_e4m3", "float8_e4m3"}},
    {DType::kF8E5M2, 1, "float8_e5m2", {"f8_e5m2", "", ""}},
    {DType::kI64, 8, "int64", {"long", "i64", ""}},
    {DType::kI32, 4, "int32", {"int", "i32", ""}},
    {DType::kI8, 1, "int8", {"i8", "", ""}},
    {DType::kU8, 1, "uint8", {"u8", "", ""}},
    {DType::kBool, 1, "bool", {"", "", ""}},
};
const DTypeInfo& Info(DType t) {
  for (const auto& i : kDTypes)
    if (i.type == t) return i;
  return kDTypes[0];
}
}  // namespace
}  // namespace dtype

int DTypeBytes(DType t) { return dtype::Info(t).bytes; }
std::string_view DTypeName(DType t) { return dtype::Info(t).name; }

std::optional<DType> ParseDType(std::string_view s) {
  if (s.substr(0, 6) == "torch.") s.remove_prefix(6);
  for (const auto& i : dtype::kDTypes) {
    if (s == i.name) return i.type;
    for (auto a : i.aliases)
      if (!a.empty() && s == a) return i.type;
  }
  return std::nullopt;
}

}  // namespace calflops
