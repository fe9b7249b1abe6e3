// transformers' ACT2FN activations as modules: class name, and the ops each forward runs in the
// form its source uses (F.silu at call time, a function captured at __init__, Python operators).
#pragma once

#include <string>

#include "model/tracer.h"

namespace calflops {

struct Activation {
  ModuleId id = kNoModule;
  std::string act;  ///< config name: "silu", "gelu", "gelu_pytorch_tanh", "quick_gelu", ...

  /// Throws for an activation name we do not know; `where` names the config key.
  static Activation Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                          const std::string& act, const std::string& where);
  Shape operator()(Tracer& t, const Shape& x) const;
};

}  // namespace calflops
