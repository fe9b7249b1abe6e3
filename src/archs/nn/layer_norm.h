// torch.nn.LayerNorm over the last dimension: weight and bias of shape (dim,) when affine;
// forward is F.layer_norm (looked up at call time, so calflops sees it).
#pragma once

#include "model/tracer.h"

namespace calflops {

struct LayerNorm {
  ModuleId id = kNoModule;
  int64_t dim = 0;
  bool affine = true;
  bool bias = true;

  /// extra_repr as PyTorch prints it: "(1024,), eps=1e-05, elementwise_affine=True".
  static LayerNorm Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t dim,
                         double eps, DType dtype, bool affine = true, bool bias = true);
  Shape operator()(Tracer& t, const Shape& x) const;
};

}  // namespace calflops
