#include "archs/nn/gemma_rms_norm.h"

#include "model/py_format.h"

namespace calflops {

GemmaRmsNorm GemmaRmsNorm::Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                                 const std::string& cls, int64_t dim, double eps, DType dtype) {
  GemmaRmsNorm n{
      .id = tree.Add(parent, name, cls, PyTupleRepr({dim}) + ", eps=" + PyFloatRepr(eps)),
      .dim = dim};
  tree.AddParam(n.id, "weight", Shape{dim}, dtype);
  return n;
}

Shape GemmaRmsNorm::operator()(Tracer& t, const Shape& x) const {
  using enum CallForm;
  Shape var = t.Unary(id, OpKind::kPow, x, kTorch);           // x.pow(2)
  var = t.ReduceLast(id, OpKind::kMean, var, kTorch);         // .mean(-1, keepdim=True)
  var = t.Scalar(id, OpKind::kAdd, var, kPyOperator);         // + self.eps
  var = t.Unary(id, OpKind::kRsqrt, var, kTorch);             // torch.rsqrt
  Shape h = t.Binary(id, OpKind::kMul, x, var, kPyOperator);  // x * rsqrt(...)
  Shape w = t.Scalar(id, OpKind::kAdd, t.Weight(Shape{dim}), kPyOperator);  // 1.0 + weight
  return t.Binary(id, OpKind::kMul, h, w, kPyOperator);                     // output * (1 + w)
}

}  // namespace calflops
