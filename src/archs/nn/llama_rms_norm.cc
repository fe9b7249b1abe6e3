#include "archs/nn/llama_rms_norm.h"

#include "model/py_format.h"

namespace calflops {

Shape RmsNormalize(Tracer& t, ModuleId id, const Shape& x) {
  using enum CallForm;
  Shape var = t.Unary(id, OpKind::kPow, x, kTorch);        // hidden.pow(2)
  var = t.ReduceLast(id, OpKind::kMean, var, kTorch);      // .mean(-1, keepdim=True)
  var = t.Scalar(id, OpKind::kAdd, var, kPyOperator);      // variance + eps
  var = t.Unary(id, OpKind::kRsqrt, var, kTorch);          // torch.rsqrt
  return t.Binary(id, OpKind::kMul, x, var, kPyOperator);  // hidden * rsqrt(...)
}

LlamaRmsNorm LlamaRmsNorm::Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                                 const std::string& cls, int64_t dim, double eps, DType dtype) {
  LlamaRmsNorm n{
      .id = tree.Add(parent, name, cls, PyTupleRepr({dim}) + ", eps=" + PyFloatRepr(eps)),
      .dim = dim};
  tree.AddParam(n.id, "weight", Shape{dim}, dtype);
  return n;
}

Shape LlamaRmsNorm::operator()(Tracer& t, const Shape& x) const {
  Shape h = RmsNormalize(t, id, x);
  return t.Binary(id, OpKind::kMul, t.Weight(Shape{dim}), h, CallForm::kPyOperator);  // weight * h
}

}  // namespace calflops
