#include "analysis/optimizer_state.h"

#include <set>

namespace calflops {
namespace optimizer_state {
namespace {

/// Ceiling of a / n: each rank holds at most this much of a sharded buffer.
Count Shard(Count a, int64_t n) {
  Count d = Count::FromSigned(n);
  Count q = a / d;
  return q * d == a ? q : q + Count(1);
}

}  // namespace
}  // namespace optimizer_state

Count OptimizerElements(Optimizer o, const Shape& shape) {
  Count n = shape.numel();
  switch (o) {
    case Optimizer::kAdamW:
      return 2 * n;
    case Optimizer::kSgd:
      return n;
    case Optimizer::kAdafactor:
      if (shape.rank() < 2) return n;
      return n / Count::FromSigned(shape.back()) + n / Count::FromSigned(shape.back(1));
  }
  return n;
}

TrainingState ComputeTrainingState(const ModuleTree& tree, Count weight_bytes,
                                   const TrainingOptions& o) {
  Count grad_bytes, optimizer_elems, master_elems;
  bool any_narrow = false;
  std::set<int32_t> seen;
  std::vector<int64_t> mult = tree.Multiplicities();  // repeated modules: every copy counts
  for (ModuleId m = 0; m < static_cast<ModuleId>(tree.size()); ++m) {
    const Count copies = Count::FromSigned(mult[static_cast<size_t>(m)]);
    for (const Param& p : tree[m].params) {
      if (!p.trainable || !seen.insert(p.storage).second) continue;
      Count n = p.shape.numel() * copies;
      grad_bytes += n * Count::FromSigned(DTypeBytes(p.dtype));
      optimizer_elems += OptimizerElements(o.optimizer, p.shape) * copies;
      bool narrow = DTypeBytes(p.dtype) < 4;
      any_narrow |= narrow;
      if (narrow) master_elems += n;
    }
  }
  bool master = o.master_weights.value_or(any_narrow);
  TrainingState s;
  s.weights = o.zero >= 3 ? optimizer_state::Shard(weight_bytes, o.dp) : weight_bytes;
  s.gradients = o.zero >= 2 ? optimizer_state::Shard(grad_bytes, o.dp) : grad_bytes;
  Count opt = optimizer_elems * 4;
  Count mw = master ? master_elems * 4 : Count(0);
  s.optimizer = o.zero >= 1 ? optimizer_state::Shard(opt, o.dp) : opt;
  s.master_weights = o.zero >= 1 ? optimizer_state::Shard(mw, o.dp) : mw;
  return s;
}

}  // namespace calflops
