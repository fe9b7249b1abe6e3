// The element types a safetensors header may name, with their size in bits (huggingface/
// safetensors, safetensors/src/tensor.rs `Dtype`). A tensor takes elements x bits / 8 bytes,
// which must be a whole number (F4 and the F6 types pack several elements per byte).
#pragma once

#include <span>
#include <string_view>

namespace calflops {

struct SafetensorsDtype {
  std::string_view name;  ///< as written in headers: "BF16", "F8_E4M3"
  int bits;
};

/// nullptr for a name the format does not define.
const SafetensorsDtype* FindSafetensorsDtype(std::string_view name);
std::span<const SafetensorsDtype> AllSafetensorsDtypes();

}  // namespace calflops
