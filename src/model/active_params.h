// Parameters active per token: what a mixture-of-experts model touches for one token. A module
// list of routed experts marks itself with Module::active_children = k (top-k routing); so does a
// module holding every expert in fused tensors whose leading dimension is the expert (GPT-OSS's
// GptOssExperts, no children). Every other parameter is active.
#pragma once

#include "model/module_tree.h"

namespace calflops {

/// Trainable parameters of the whole tree (ties counted once), minus, for each routed-expert
/// list, the parameters of its children beyond the first `active_children` (experts are
/// identical, so any k of them weigh the same), and for each fused-expert module (no children),
/// the leading slices of its own tensors beyond the first `active_children`.
Count ActiveParams(const ModuleTree& tree);

}  // namespace calflops
