#include "archs/nn/linear.h"

#include "model/py_format.h"

namespace calflops {

Linear Linear::Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t in,
                     int64_t out, bool bias, DType dtype, const std::string& cls) {
  Linear l{.id = tree.Add(parent, name, cls,
                          "in_features=" + std::to_string(in) +
                              ", out_features=" + std::to_string(out) + ", bias=" + PyBool(bias)),
           .in = in,
           .out = out,
           .bias = bias};
  tree.AddParam(l.id, "weight", Shape{out, in}, dtype);
  if (bias) tree.AddParam(l.id, "bias", Shape{out}, dtype);
  return l;
}

}  // namespace calflops
