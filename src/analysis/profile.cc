#include "analysis/profile.h"

#include <algorithm>

namespace calflops {

namespace profile {
namespace {

/// first + i * (last - first) / (n - 1): exact for a cost affine over the run.
Count Interpolate(Count first, Count last, int64_t i, int64_t n) {
  if (i == 0 || n <= 1) return first;
  if (i == n - 1) return last;
  Count steps = Count::FromSigned(n - 1), at = Count::FromSigned(i);
  if (last >= first) return first + (last - first) / steps * at;
  return first - (first - last) / steps * at;
}

}  // namespace
}  // namespace profile

CallStats CallStats::At(int64_t i) const {
  if (i < 0 || i >= repeat) throw Error(ExitCode::kInternal, "", "call index out of its run");
  CallStats c = *this;
  c.repeat = 1;
  c.context_step = 0;
  c.context = context + i * context_step;
  c.macs = c.last_macs = profile::Interpolate(macs, last_macs, i, repeat);
  c.flops = c.last_flops = profile::Interpolate(flops, last_flops, i, repeat);
  return c;
}

int64_t Profile::CallCount() const {
  int64_t n = 0;
  for (const CallStats& c : calls) n += c.repeat;
  return n;
}

CallStats Profile::Call(int64_t i) const {
  for (const CallStats& c : calls) {
    if (i < c.repeat) return c.At(i);
    i -= c.repeat;
  }
  throw Error(ExitCode::kInternal, "", "call index beyond the workload's calls");
}

OpCost TotalOf(const CallCosts& costs) {
  OpCost t;
  for (const auto& [m, c] : costs) t += c;
  return t;
}

void CostAccumulator::Emit(ModuleId module, const Op& op) {
  AddPending(module, CostOf(op, convention_));
}

void CostAccumulator::EmitRepeated(ModuleId module, const Op& op, int64_t times) {
  OpCost c = CostOf(op, convention_);
  Count n = Count::FromSigned(times);
  AddPending(module, OpCost{c.macs * n, c.flops * n});
}

void CostAccumulator::AddPending(ModuleId module, const OpCost& c) {
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

CallCosts CostAccumulator::TakeCall() {
  std::sort(touched_.begin(), touched_.end());
  CallCosts out;
  out.reserve(touched_.size());
  for (ModuleId m : touched_) {
    auto& p = pending_[static_cast<size_t>(m)];
    if (p.macs != 0 || p.flops != 0) out.emplace_back(m, p);
    p = OpCost{};
    is_touched_[static_cast<size_t>(m)] = 0;
  }
  touched_.clear();
  return out;
}

void CostAccumulator::Add(const CallCosts& costs, Count times) {
  for (const auto& [m, c] : costs)
    own_[static_cast<size_t>(m)] += OpCost{c.macs * times, c.flops * times};
}

OpCost CostAccumulator::Commit(int64_t times) {
  CallCosts costs = TakeCall();
  Add(costs, Count::FromSigned(times));
  return TotalOf(costs);
}

void CostAccumulator::Finish(Profile& profile) const {
  const ModuleTree& tree = profile.tree;
  std::vector<Count> params = tree.SubtreeParams();
  // A module that stands for n modules (Module::repeat) received its ops n times over: its
  // figures are those totals over n, and its parent counts them `repeat` times.
  std::vector<int64_t> mult = tree.Multiplicities();
  profile.stats.assign(tree.size(), ModuleStats{});
  for (auto id = static_cast<ModuleId>(tree.size()) - 1; id >= 0; --id) {
    auto i = static_cast<size_t>(id);
    auto& s = profile.stats[i];
    s.params = params[i];
    Count n = Count::FromSigned(mult[i]);
    s.macs += n == Count(1) ? own_[i].macs : own_[i].macs / n;
    s.flops += n == Count(1) ? own_[i].flops : own_[i].flops / n;
    ModuleId parent = tree[id].parent;
    if (parent != kNoModule) {
      auto& ps = profile.stats[static_cast<size_t>(parent)];
      Count r = Count::FromSigned(tree[id].repeat);
      ps.macs += s.macs * r;
      ps.flops += s.flops * r;
    }
  }
}

}  // namespace calflops
