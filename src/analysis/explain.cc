#include "analysis/explain.h"

#include <algorithm>

namespace calflops {
namespace explain {
namespace {

/// Keeps the ops of one subtree, priced, for the current call.
class ExplainSink : public OpSink {
 public:
  ExplainSink(std::vector<bool> in_subtree, Convention c)
      : in_subtree_(std::move(in_subtree)), convention_(c) {}
  void Emit(ModuleId module, const Op& op) override { EmitRepeated(module, op, 1); }
  void EmitRepeated(ModuleId module, const Op& op, int64_t times) override {
    if (module < 0 || static_cast<size_t>(module) >= in_subtree_.size() ||
        !in_subtree_[static_cast<size_t>(module)] || times <= 0)
      return;
    OpCost cost = CostOf(op, convention_);
    Count n = Count::FromSigned(times);
    call_.total += OpCost{cost.macs * n, cost.flops * n};
    if (call_.ops.size() < kMaxExplainedOps) {
      call_.ops.push_back({module, op, times, cost});
    } else {
      ++call_.ops_left_out;
    }
  }
  ExplainedCall Take() { return std::exchange(call_, ExplainedCall{}); }

 private:
  std::vector<bool> in_subtree_;
  Convention convention_;
  ExplainedCall call_;
};

}  // namespace
}  // namespace explain

Explanation Explain(const Architecture& arch, const Workload& w, Convention c, ModuleId target) {
  ValidateWorkload(w);
  const ModuleTree& tree = arch.tree();
  std::vector<bool> in_subtree(tree.size(), false);
  for (size_t i = 0; i < tree.size(); ++i) {
    for (ModuleId a = static_cast<ModuleId>(i); a != kNoModule; a = tree[a].parent) {
      if (a == target) {
        in_subtree[i] = true;
        break;
      }
    }
  }
  explain::ExplainSink sink(std::move(in_subtree), c);
  Tracer tracer(sink, arch.dtype());
  Explanation e{.module = target, .convention = c};
  int64_t index = 0;
  for (const ForwardCall& run : arch.Plan(w)) {
    // The run's first call, and its last when the cache grows (identical calls: one stands for
    // all).
    std::vector<int64_t> at{0};
    if (run.repeat > 1 && run.past_step > 0) at.push_back(run.repeat - 1);
    std::vector<OpCost> totals;
    for (int64_t i : at) {
      ForwardCall call = run;
      call.repeat = 1;
      call.past_step = 0;
      call.past_tokens = run.past_tokens + i * run.past_step;
      arch.Forward(tracer, call);
      ExplainedCall ec = sink.Take();
      ec.label = run.display.empty() ? std::string(CallKindName(run.kind)) : run.display;
      ec.index = index + i;
      ec.run_calls = run.repeat;
      ec.tokens = run.new_tokens;
      ec.context = call.past_tokens + run.new_tokens;
      totals.push_back(ec.total);
      e.calls.push_back(std::move(ec));
    }
    // A run's sum: n x the call (identical), or n x (first + last) / 2 (affine in the position).
    Count n = Count::FromSigned(run.repeat);
    if (totals.size() == 1) {
      e.total += OpCost{totals[0].macs * n, totals[0].flops * n};
    } else {
      e.total += OpCost{(totals[0].macs + totals[1].macs) * n / Count(2),
                        (totals[0].flops + totals[1].flops) * n / Count(2)};
    }
    index += run.repeat;
  }
  return e;
}

std::string_view OpName(const Op& op) { return GetOpDef(op.kind).name; }

std::string_view OpFormula(const Op& op, Convention c) {
  const OpDef& d = GetOpDef(op.kind);
  return c == Convention::kCalflops ? d.calflops.formula : d.formula;
}

std::string OpShapes(const Op& op) {
  std::string s;
  for (int i = 0; i < op.n_in && i < 3; ++i)
    s += (i ? " x " : "") + op.in[static_cast<size_t>(i)].ToString();
  s += " -> " + op.out.ToString();
  auto str = [](Count c) { return c.ToString(); };
  if (op.kind == OpKind::kLinear && op.n_in >= 1 && op.in[0].rank() >= 1) {
    const Shape& x = op.in[0];
    s += "; " + str(x.leading(1)) + " rows x " + std::to_string(x.back()) + " in x " +
         std::to_string(op.out.rank() ? op.out.back() : 0) + " out";
  } else if (op.kind == OpKind::kMatMul && op.n_in >= 2 && op.in[0].rank() >= 2 &&
             op.in[1].rank() >= 2) {
    s += "; " + str(op.out.leading(2)) + " batches x " + std::to_string(op.in[0].back(1)) + " x " +
         std::to_string(op.in[0].back()) + " x " + std::to_string(op.in[1].back());
  }
  return s;
}

}  // namespace calflops
