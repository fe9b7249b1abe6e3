#include "archs/nn/gemma_rms_norm.h"

#include "archs/nn/llama_rms_norm.h"

namespace calflops {

GemmaRmsNorm GemmaRmsNorm::Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                                 const std::string& cls, int64_t dim, double eps, DType dtype) {
  // The same module, repr and weight as LlamaRMSNorm's; only the forward differs.
  return GemmaRmsNorm{.id = LlamaRmsNorm::Build(tree, parent, name, cls, dim, eps, dtype).id,
                      .dim = dim};
}

Shape GemmaRmsNorm::operator()(Tracer& t, const Shape& x) const {
  using enum CallForm;
  Shape h = RmsNormalize(t, id, x);                                         // x * rsqrt(...)
  Shape w = t.Scalar(id, OpKind::kAdd, t.Weight(Shape{dim}), kPyOperator);  // 1.0 + weight
  return t.Binary(id, OpKind::kMul, h, w, kPyOperator);                     // output * (1 + w)
}

}  // namespace calflops
