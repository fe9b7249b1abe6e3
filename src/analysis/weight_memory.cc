#include "analysis/weight_memory.h"

#include <set>
#include <unordered_map>
#include <utility>

namespace calflops {

WeightMemory ComputeWeightMemory(const ModuleTree& tree) {
  WeightMemory w;
  const size_t n = tree.size();
  // A module standing for several (Module::repeat) holds one copy's parameters: totals count
  // it Multiplicities() times, its parent `repeat` times.
  std::vector<int64_t> mult = tree.Multiplicities();
  std::unordered_map<int32_t, int> uses;
  for (ModuleId m = 0; m < static_cast<ModuleId>(n); ++m)
    for (const Param& p : tree[m].params) ++uses[p.storage];

  std::vector<Count> own(n), tied(n);
  std::set<std::pair<ModuleId, int32_t>> counted;  // (ancestor, storage) of tied tensors
  std::unordered_map<int32_t, bool> seen;
  for (ModuleId m = 0; m < static_cast<ModuleId>(n); ++m) {
    const Count copies = Count::FromSigned(mult[static_cast<size_t>(m)]);
    for (const Param& p : tree[m].params) {
      Count bytes = p.bytes();
      if (!seen[p.storage]) {
        seen[p.storage] = true;
        if (p.has_stored()) {
          w.bytes_by_stored_type[p.stored_type] += bytes * copies;
        } else {
          w.bytes_by_dtype[p.dtype] += bytes * copies;
        }
        if (p.trainable) w.trainable_elements += p.shape.numel() * copies;
      }
      if (uses[p.storage] == 1) {
        own[static_cast<size_t>(m)] += bytes;
        continue;
      }
      // A tied tensor counts once in each subtree that holds it.
      for (ModuleId a = m; a != kNoModule; a = tree[a].parent) {
        if (!counted.insert({a, p.storage}).second) continue;
        auto in_a = mult[static_cast<size_t>(m)] / mult[static_cast<size_t>(a)];
        tied[static_cast<size_t>(a)] += bytes * Count::FromSigned(in_a);
      }
    }
  }
  // Children have larger ids than their parent: a reverse sweep sums bottom-up.
  w.subtree_bytes = std::move(own);
  for (auto id = static_cast<ModuleId>(n) - 1; id > 0; --id) {
    w.subtree_bytes[static_cast<size_t>(tree[id].parent)] +=
        w.subtree_bytes[static_cast<size_t>(id)] * Count::FromSigned(tree[id].repeat);
  }
  for (size_t i = 0; i < n; ++i) w.subtree_bytes[i] += tied[i];
  return w;
}

}  // namespace calflops
