#include "model/active_params.h"

namespace calflops {

Count ActiveParams(const ModuleTree& tree) {
  std::vector<Count> sub = tree.SubtreeParams();
  Count inactive = 0;
  for (size_t id = 0; id < tree.size(); ++id) {
    const Module& m = tree[static_cast<ModuleId>(id)];
    if (m.active_children <= 0) continue;
    auto k = static_cast<size_t>(m.active_children);
    for (size_t i = k; i < m.children.size(); ++i) {
      inactive += sub[static_cast<size_t>(m.children[i])];
    }
  }
  return sub[0] - inactive;
}

}  // namespace calflops
