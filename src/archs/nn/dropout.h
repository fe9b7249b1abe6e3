// torch.nn.Dropout: no parameters; at inference a no-op (no ops emitted).
#pragma once

#include "model/module_tree.h"

namespace calflops {

/// Registers an nn.Dropout(p) child ("p=0.1, inplace=False") and returns its id.
ModuleId BuildDropout(ModuleTree& tree, ModuleId parent, const std::string& name, double p);

}  // namespace calflops
