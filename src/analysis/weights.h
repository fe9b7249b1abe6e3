// What a weights file holds, aggregated: totals, per storage type (BF16, Q4_K, ...) and per
// module of the tree the tensor names spell ("model.layers.3.mlp.up_proj.weight" belongs to
// model.layers.3.mlp.up_proj, model.layers.3.mlp, ..., model). Bits per weight = 8 x bytes /
// elements.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/count.h"
#include "model/tensor_info.h"

namespace calflops {

struct WeightStats {
  uint64_t tensors = 0;
  Count params;  ///< elements
  Count bytes;
  /// 8 x bytes / params; 0 when there are no elements.
  double bits_per_weight() const;
  void Add(const TensorInfo& t);
};

struct DtypeWeights {
  std::string dtype;
  WeightStats stats;
};

struct ModuleWeights {
  std::string path;  ///< dotted module path; never empty (the root is WeightsProfile::total)
  int depth = 0;     ///< 1 for top-level modules
  WeightStats stats;
};

struct WeightsProfile {
  WeightStats total;
  std::vector<DtypeWeights> by_dtype;  ///< most bytes first
  std::vector<ModuleWeights>
      modules;  ///< depth-first, siblings in natural order (layer 2 before 10)
};

/// Aggregates the tensors by type and by module (TensorInfo::tree_name()).
WeightsProfile AnalyzeWeights(const TensorSet& tensors);

/// The module a parameter name belongs to: the name without its last component ("" at the root).
std::string ParentPath(const std::string& name);

/// Orders dotted names component by component, numbers by value: "layers.2" < "layers.10".
bool NaturalLess(const std::string& a, const std::string& b);

}  // namespace calflops
