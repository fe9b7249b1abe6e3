#include "model/active_params.h"

#include <algorithm>

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
    // Children beyond the first k are idle; a repeated child stands for `repeat` positions.
    int64_t pos = 0;
    for (ModuleId c : m.children) {
      int64_t r = tree[c].repeat;
      int64_t idle = pos + r - std::max<int64_t>(pos, static_cast<int64_t>(k));
      if (idle > 0) inactive += sub[static_cast<size_t>(c)] * Count::FromSigned(idle);
      pos += r;
    }
  }
  return sub[0] - inactive;
}

}  // namespace calflops
