// Bytes of the parameters themselves: per module subtree and by dtype, tied tensors once.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/count.h"
#include "model/module_tree.h"

namespace calflops {

struct WeightMemory {
  std::vector<Count> subtree_bytes;       ///< per module: its subtree's parameters, ties once
  std::map<DType, Count> bytes_by_dtype;  ///< the whole model, parameters priced at their dtype
  /// The whole model, parameters priced from a weight file (Param::stored_type: "Q4_K", "BF16").
  std::map<std::string, Count> bytes_by_stored_type;
  Count trainable_elements;  ///< for gradients and optimizer state
  Count total() const { return subtree_bytes.empty() ? Count(0) : subtree_bytes[0]; }
};

/// Every parameter (trainable or not) at Param::bytes(): the file's bytes when a weight file
/// priced it, else numel x bytes of its dtype.
WeightMemory ComputeWeightMemory(const ModuleTree& tree);

}  // namespace calflops
