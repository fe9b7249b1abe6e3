// Compares a weights file with the architecture built from its config, parameter by parameter:
// the file's tensors (by TensorInfo::tree_name()) against the builder's module tree (module path
// + parameter name). Differences are findings, not errors: a quantised, pruned or partial
// checkpoint legitimately differs from the model its config describes. Shapes that differ only
// by size-1 dimensions count as equal (a converter may store a [1, H] weight as [H]).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/module_tree.h"
#include "model/tensor_info.h"

namespace calflops {

struct WeightMismatch {
  enum class Kind {
    kMissingInFile,  ///< the model has the parameter, the file does not
    kExtraInFile,    ///< the file has a tensor the model does not
    kShape,          ///< both have it, with different shapes
    kModuleParams,   ///< stacked tensors (GGUF experts): the module's total differs
  };
  Kind kind;
  std::string name;  ///< parameter name, or module path for kModuleParams
  Shape file_shape;
  Shape model_shape;
  Count file_params;
  Count model_params;
};

std::string_view MismatchKindName(WeightMismatch::Kind k);

struct WeightsComparison {
  std::string against;   ///< the config the model was built from
  uint64_t matched = 0;  ///< file tensors equal to a model parameter (or module, when stacked)
  uint64_t tied = 0;     ///< model parameters absent from the file because tied to one present
  std::vector<WeightMismatch> mismatches;  ///< model order first, then the file's extras
};

WeightsComparison CompareWeights(const TensorSet& file, const ModuleTree& model,
                                 std::string against);

}  // namespace calflops
