// GemmaRMSNorm (and Gemma2RMSNorm): weight initialised at zero and applied as (1 + weight), in
// float32: x * rsqrt(mean(x^2) + eps) * (1.0 + weight). Emitted op by op as the Python source
// runs it.
#pragma once

#include "model/tracer.h"

namespace calflops {

struct GemmaRmsNorm {
  ModuleId id = kNoModule;
  int64_t dim = 0;

  static GemmaRmsNorm Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                            const std::string& cls, int64_t dim, double eps, DType dtype);
  Shape operator()(Tracer& t, const Shape& x) const;
};

}  // namespace calflops
