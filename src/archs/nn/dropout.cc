#include "archs/nn/dropout.h"

#include "model/py_format.h"

namespace calflops {

Dropout Dropout::Build(ModuleTree& tree, ModuleId parent, const std::string& name, double p) {
  return Dropout{.id = tree.Add(parent, name, "Dropout", "p=" + PyFloatRepr(p) + ", inplace=False")};
}

}  // namespace calflops
