#include "archs/nn/layer_norm.h"

#include "model/error.h"
#include "model/py_format.h"

namespace calflops {

LayerNorm LayerNorm::Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t dim,
                           double eps, DType dtype, bool affine, bool bias) {
  LayerNorm n{.id = tree.Add(parent, name, "LayerNorm",
                             PyTupleRepr({dim}) + ", eps=" + PyFloatRepr(eps) +
                                 ", elementwise_affine=" + PyBool(affine)),
              .dim = dim,
              .affine = affine,
              .bias = affine && bias};
  if (affine) {
    tree.AddParam(n.id, "weight", Shape{dim}, dtype);
    if (n.bias) tree.AddParam(n.id, "bias", Shape{dim}, dtype);
  }
  return n;
}

Shape LayerNorm::operator()(Tracer& t, const Shape& x) const {
  if (x.rank() == 0 || x.back() != dim) {
    throw BadInput("", "layer_norm over " + std::to_string(dim) + " got " + x.ToString());
  }
  return t.LayerNorm(id, x, affine, bias, CallForm::kFunctional);
}

}  // namespace calflops
