// torch.nn.Embedding: weight (num, dim); forward is F.embedding (a gather).
#pragma once

#include <optional>

#include "model/tracer.h"

namespace calflops {

struct Embedding {
  ModuleId id = kNoModule;
  int64_t num = 0, dim = 0;
  int32_t storage = -1;  ///< weight storage, for tying an output head to it

  static Embedding Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t num,
                         int64_t dim, std::optional<int64_t> padding_idx, DType dtype);
  Shape operator()(Tracer& t, const Shape& ids) const { return t.Embedding(id, ids, dim); }
};

}  // namespace calflops
