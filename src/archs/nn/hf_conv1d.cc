#include "archs/nn/hf_conv1d.h"

namespace calflops {

HfConv1D HfConv1D::Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t nf,
                         int64_t nx, DType dtype) {
  HfConv1D c{.id = tree.Add(parent, name, "Conv1D",
                            "nf=" + std::to_string(nf) + ", nx=" + std::to_string(nx)),
             .nf = nf,
             .nx = nx};
  tree[c.id].custom_repr = true;
  tree.AddParam(c.id, "weight", Shape{nx, nf}, dtype);
  tree.AddParam(c.id, "bias", Shape{nf}, dtype);
  return c;
}

}  // namespace calflops
