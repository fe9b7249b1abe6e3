#include "analysis/profile.h"

namespace calflops {

void CostAccumulator::Emit(ModuleId module, const Op& op) { Add(module, CostOf(op, convention_)); }

void CostAccumulator::EmitRepeated(ModuleId module, const Op& op, int64_t times) {
  OpCost c = CostOf(op, convention_);
  Count n = Count::FromSigned(times);
  Add(module, OpCost{c.macs * n, c.flops * n});
}

void CostAccumulator::Add(ModuleId module, const OpCost& c) {
  if (pending_.empty()) {
    pending_.resize(own_.size());
    is_touched_.resize(own_.size());
  }
  auto i = static_cast<size_t>(module);
  if (!is_touched_[i]) {
    is_touched_[i] = 1;
    touched_.push_back(module);
  }
  pending_[i] += c;
}

OpCost CostAccumulator::Commit(int64_t times) {
  OpCost call;
  Count n = Count::FromSigned(times);
  for (ModuleId m : touched_) {
    auto& p = pending_[static_cast<size_t>(m)];
    call += p;
    own_[static_cast<size_t>(m)] += OpCost{p.macs * n, p.flops * n};
    p = OpCost{};
    is_touched_[static_cast<size_t>(m)] = 0;
  }
  touched_.clear();
  return call;
}

void CostAccumulator::Finish(Profile& profile) const {
  const ModuleTree& tree = profile.tree;
  std::vector<Count> params = tree.SubtreeParams();
  profile.stats.assign(tree.size(), ModuleStats{});
  for (auto id = static_cast<ModuleId>(tree.size()) - 1; id >= 0; --id) {
    auto& s = profile.stats[static_cast<size_t>(id)];
    s.params = params[static_cast<size_t>(id)];
    s.macs += own_[static_cast<size_t>(id)].macs;
    s.flops += own_[static_cast<size_t>(id)].flops;
    ModuleId parent = tree[id].parent;
    if (parent != kNoModule) {
      auto& ps = profile.stats[static_cast<size_t>(parent)];
      ps.macs += s.macs;
      ps.flops += s.flops;
    }
  }
}

}  // namespace calflops
