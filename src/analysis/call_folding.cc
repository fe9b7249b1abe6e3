#include "analysis/call_folding.h"

#include <algorithm>

namespace calflops {
namespace {

/// Is last = first + (n - 1)(second - first)? Checked without overflow: a product that does not
/// fit cannot equal a difference that does.
bool OnLine(Count first, Count second, Count last, u128 steps) {
  u128 a = first.value(), b = second.value(), l = last.value(), d = 0;
  if (b >= a) return l >= a && !__builtin_mul_overflow(b - a, steps, &d) && d == l - a;
  return l <= a && !__builtin_mul_overflow(a - b, steps, &d) && d == a - l;
}

/// n (first + last) / 2 without a spurious overflow: for an affine series, first + last is even
/// whenever n is odd.
Count SeriesSum(Count first, Count last, u128 n) {
  Count ends = first + last;
  if (n % 2 == 0) return Count::FromU128(n / 2) * ends;
  return Count::FromU128(n) * (ends / Count(2));
}

const OpCost* CostOf(const CallCosts& costs, size_t& cursor, ModuleId m) {
  while (cursor < costs.size() && costs[cursor].first < m) ++cursor;
  return cursor < costs.size() && costs[cursor].first == m ? &costs[cursor].second : nullptr;
}

}  // namespace

std::optional<CallCosts> SumAffineRun(const CallCosts& first, const CallCosts& second,
                                      const CallCosts& last, int64_t n) {
  // Every module any of the three calls touched, in order.
  std::vector<ModuleId> modules;
  for (const CallCosts* c : {&first, &second, &last})
    for (const auto& [m, cost] : *c) modules.push_back(m);
  std::sort(modules.begin(), modules.end());
  modules.erase(std::unique(modules.begin(), modules.end()), modules.end());

  const OpCost zero;
  auto steps = static_cast<u128>(n - 1);
  size_t i0 = 0, i1 = 0, il = 0;
  CallCosts sum;
  sum.reserve(modules.size());
  for (ModuleId m : modules) {
    const OpCost* c0 = CostOf(first, i0, m);
    const OpCost* c1 = CostOf(second, i1, m);
    const OpCost* cl = CostOf(last, il, m);
    const OpCost& a = c0 ? *c0 : zero;
    const OpCost& b = c1 ? *c1 : zero;
    const OpCost& l = cl ? *cl : zero;
    if (!OnLine(a.macs, b.macs, l.macs, steps) || !OnLine(a.flops, b.flops, l.flops, steps)) {
      return std::nullopt;
    }
    auto count = static_cast<u128>(n);
    sum.emplace_back(m, OpCost{SeriesSum(a.macs, l.macs, count), SeriesSum(a.flops, l.flops, count)});
  }
  return sum;
}

}  // namespace calflops
