// LlamaRMSNorm (and the many copies of it: MistralRMSNorm, Qwen2RMSNorm, ...): written in Python
// as pow -> mean -> + eps -> rsqrt -> * -> weight *, and emitted op by op.
#pragma once

#include "model/tracer.h"

namespace calflops {

/// hidden * rsqrt(mean(hidden^2) + eps), op by op under module `id` (pow, mean, + eps, rsqrt,
/// *): what LlamaRMSNorm, GemmaRMSNorm and MambaRMSNormGated run before their weight.
Shape RmsNormalize(Tracer& t, ModuleId id, const Shape& x);

struct LlamaRmsNorm {
  ModuleId id = kNoModule;
  int64_t dim = 0;

  static LlamaRmsNorm Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                            const std::string& cls, int64_t dim, double eps, DType dtype);
  Shape operator()(Tracer& t, const Shape& x) const;
};

}  // namespace calflops
