// Element types of parameters and activations, with their storage size.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace calflops {

enum class DType : uint8_t { kF32, kF16, kBF16, kF64, kF8E4M3, kF8E5M2, kI64, kI32, kI8, kU8, kBool };

/// Bytes per element.
int DTypeBytes(DType t);
/// Canonical name as PyTorch spells it ("float32", "bfloat16", ...).
std::string_view DTypeName(DType t);
/// Parses PyTorch/HF spellings ("float16", "fp16", "torch.bfloat16", "bf16", ...).
std::optional<DType> ParseDType(std::string_view s);

}  // namespace calflops
