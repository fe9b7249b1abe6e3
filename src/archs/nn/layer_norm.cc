#include "archs/nn/layer_norm.h"

#include "model/py_format.h"

namespace calflops {

LayerNorm LayerNorm::Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t dim,
                           double eps, DType dtype) {
  LayerNorm n{.id = tree.Add(parent, name, "LayerNorm",
                             PyTupleRepr({dim}) + ", eps=" + PyFloatRepr(eps) +
                                 ", elementwise_affine=True"),
              .dim = dim};
  tree.AddParam(n.id, "weight", Shape{dim}, dtype);
  tree.AddParam(n.id, "bias", Shape{dim}, dtype);
  return n;
}

}  // namespace calflops
