// Prices a built model's parameters at the bytes a weight file stores them in: quantised GGUF
// blocks (Q4_K: 144 bytes per 256 weights), or a safetensors dtype other than the config's
// torch_dtype. Matching is by name, as in weights_compare.h: a file tensor's tree name (GGUF
// names mapped to Hugging Face ones) against module path + parameter name. A stacked GGUF tensor
// (all experts in one) is spread over the experts it holds. The memory estimate and the weight
// bytes each op reads then use Param::stored_bytes (analysis/weight_memory.h, perf_accumulator.h).
//
// File tensors that price no parameter (a GPTQ qweight, a stored RoPE constant, a tensor the
// architecture lacks) are not counted in memory; they are listed in the result for the report.
// Model parameters the file lacks keep their dtype price.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/count.h"
#include "model/module_tree.h"
#include "model/tensor_info.h"

namespace calflops {

struct StoredWeights {
  std::string source;            ///< the weight file (or checkpoint) the bytes come from
  uint64_t matched_tensors = 0;  ///< file tensors whose bytes price model parameters
  Count matched_bytes;
  uint64_t unmatched_tensors = 0;  ///< file tensors pricing nothing: not counted in memory
  Count unmatched_bytes;
  std::vector<std::string> unmatched;  ///< their tree names, file order
  /// Trainable model tensors (ties once) the file lacks: priced at their dtype.
  uint64_t dtype_priced_tensors = 0;
  Count dtype_priced_bytes;
};

/// Sets Param::stored_type / stored_bytes in `tree` from `file` (ties share the price) and
/// says what matched.
StoredWeights PriceFromFile(const TensorSet& file, ModuleTree& tree, std::string source);

}  // namespace calflops
