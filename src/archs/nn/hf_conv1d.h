// transformers' Conv1D (pytorch_utils.py, used by GPT-2): a linear layer with the weight stored
// transposed, (nx, nf), run as torch.addmm(bias, x, weight). Its __repr__ is overridden to
// "Conv1D(nf=2304, nx=768)", so calflops prints no stats for it.
#pragma once

#include "model/tracer.h"

namespace calflops {

struct HfConv1D {
  ModuleId id = kNoModule;
  int64_t nf = 0, nx = 0;  ///< output and input features

  static HfConv1D Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t nf,
                        int64_t nx, DType dtype);
  Shape operator()(Tracer& t, const Shape& x) const {
    return t.Linear(id, x, nx, nf, true, CallForm::kTorch);
  }
};

}  // namespace calflops
