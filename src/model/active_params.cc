#include "model/active_params.h"

namespace calflops {

Count ActiveParams(const ModuleTree& tree) {
  std::vector<Count> sub = tree.SubtreeParams();
  Count inactive = 0;
  for (size_t id = 0; id < tree.size(); ++id) {
    const Module& m = tree[static_cast<ModuleId>(id)];
    if (m.active_children <= 0) continue;
    auto k = static_cast<size_t>(m.active_children);
    if (m.children.empty()) {
      // Fused experts: tensor (E, ...) holds expert e at [e]; E - k slices are idle per token.
      for (const Param& p : m.params) {
        if (p.shape.rank() == 0 || p.shape[0] <= static_cast<int64_t>(k)) continue;
        Count e = Count::FromSigned(p.shape[0]);
        inactive += p.shape.numel() / e * (e - Count::FromSigned(static_cast<int64_t>(k)));
      }
      continue;
    }
    for (size_t i = k; i < m.children.size(); ++i) {
      inactive += sub[static_cast<size_t>(m.children[i])];
    }
  }
  return sub[0] - inactive;
}

}  // namespace calflops
