#include "analysis/weight_memory.h"

#include <set>
#include <utility>

namespace calflops {

WeightMemory ComputeWeightMemory(const ModuleTree& tree) {
  WeightMemory w;
  w.subtree_bytes.assign(tree.size(), Count(0));
  std::set<std::pair<ModuleId, int32_t>> counted;  // (ancestor, storage)
  std::set<int32_t> storages;
  for (ModuleId m = 0; m < static_cast<ModuleId>(tree.size()); ++m) {
    for (const Param& p : tree[m].params) {
      Count bytes = p.bytes();
      if (storages.insert(p.storage).second) {
        if (p.has_stored()) {
          w.bytes_by_stored_type[p.stored_type] += bytes;
        } else {
          w.bytes_by_dtype[p.dtype] += bytes;
        }
        if (p.trainable) w.trainable_elements += p.shape.numel();
      }
      for (ModuleId a = m; a != kNoModule; a = tree[a].parent) {
        if (counted.insert({a, p.storage}).second) w.subtree_bytes[static_cast<size_t>(a)] += bytes;
      }
    }
  }
  return w;
}

}  // namespace calflops
