// torch.nn.LayerNorm over the last dimension, with weight and bias (elementwise_affine=True);
// forward is F.layer_norm.
#pragma once

#include "model/tracer.h"

namespace calflops {

struct LayerNorm {
  ModuleId id = kNoModule;
  int64_t dim = 0;

  /// extra_repr as PyTorch prints it: "(768,), eps=1e-12, elementwise_affine=True".
  static LayerNorm Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t dim,
                         double eps, DType dtype);
  Shape operator()(Tracer& t, const Shape& x) const {
    return t.LayerNorm(id, x, true, true, CallForm::kFunctional);
  }
};

}  // namespace calflops
