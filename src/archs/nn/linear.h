// torch.nn.Linear: weight (out, in) and optional bias; forward is F.linear.
#pragma once

#include "model/tracer.h"

namespace calflops {

struct Linear {
  ModuleId id = kNoModule;
  int64_t in = 0, out = 0;
  bool bias = false;

  static Linear Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t in,
                      int64_t out, bool bias, DType dtype, const std::string& cls = "Linear");
  Shape operator()(Tracer& t, const Shape& x) const { return t.Linear(id, x, in, out, bias); }
};

}  // namespace calflops
