// The ggml tensor types a GGUF file may store, with their block layout: a tensor of N elements
// along its first (fastest) dimension takes N / block_elements blocks of block_bytes each.
// Sizes are the sizeof() of ggml's block structs (ggml/src/ggml-common.h); ids are the
// ggml_type enum of the GGUF spec (ggml docs/gguf.md). Ids 4, 5, 31-33 and 36-38 were removed
// from ggml and are rejected like any unknown id.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace calflops {

struct GgmlType {
  uint32_t id;
  std::string_view name;    ///< ggml's name: "Q4_K", "IQ2_XXS", "BF16"
  uint32_t block_elements;  ///< elements per block (1 for plain types)
  uint32_t block_bytes;     ///< bytes per block
  bool quantized;           ///< a block format (needs general.quantization_version)

  /// bits per weight = 8 x block_bytes / block_elements
  double bits_per_weight() const { return 8.0 * block_bytes / block_elements; }
};

/// The type with this id; nullptr for an unknown or removed id.
const GgmlType* FindGgmlType(uint32_t id);
/// Every known type, by id.
std::span<const GgmlType> AllGgmlTypes();

}  // namespace calflops
