// torch.nn.Dropout: registered (and printed) but the identity in eval mode, so it emits no op.
// calflops does not patch F.dropout either.
#pragma once

#include "model/module_tree.h"

namespace calflops {

struct Dropout {
  ModuleId id = kNoModule;
  /// extra_repr "p=0.1, inplace=False".
  static Dropout Build(ModuleTree& tree, ModuleId parent, const std::string& name, double p);
};

}  // namespace calflops
