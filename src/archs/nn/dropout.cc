#include "archs/nn/dropout.h"

#include "model/py_format.h"

namespace calflops {

ModuleId BuildDropout(ModuleTree& tree, ModuleId parent, const std::string& name, double p) {
  return tree.Add(parent, name, "Dropout", "p=" + PyFloatRepr(p) + ", inplace=False");
}

}  // namespace calflops
