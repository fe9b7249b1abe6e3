#include "archs/nn/embedding.h"

namespace calflops {

Embedding Embedding::Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t num,
                           int64_t dim, std::optional<int64_t> padding_idx, DType dtype) {
  std::string repr = std::to_string(num) + ", " + std::to_string(dim);
  if (padding_idx) repr += ", padding_idx=" + std::to_string(*padding_idx);
  Embedding e{.id = tree.Add(parent, name, "Embedding", repr), .num = num, .dim = dim};
  e.storage = tree.AddParam(e.id, "weight", Shape{num, dim}, dtype);
  return e;
}

}  // namespace calflops
