// Element types of parameters and activations, with their storage size.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "calflops/types.h"

namespace calflops {

// DType itself: calflops/types.h.

/// Bytes per element.
int DTypeBytes(DType t);
/// Canonical name as PyTorch spells it ("float32", "bfloat16", ...).
std::string_view DTypeName(DType t);
/// Parses PyTorch/HF spellings ("float16", "fp16", "torch.bfloat16", "bf16", ...).
std::optional<DType> ParseDType(std::string_view s);

}  // namespace calflops
