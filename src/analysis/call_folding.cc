#include "analysis/call_folding.h"

#include <algorithm>
#include <cmath>

namespace calflops {
namespace call_folding {
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

/// The entry for module `m` in a list sorted by module, advancing `cursor`; nullptr if absent.
template <typename T>
const T* Entry(const std::vector<std::pair<ModuleId, T>>& list, size_t& cursor, ModuleId m) {
  while (cursor < list.size() && list[cursor].first < m) ++cursor;
  return cursor < list.size() && list[cursor].first == m ? &list[cursor].second : nullptr;
}

/// Every module any of three lists holds, in order.
template <typename T>
std::vector<ModuleId> Modules(const std::vector<std::pair<ModuleId, T>>& a,
                              const std::vector<std::pair<ModuleId, T>>& b,
                              const std::vector<std::pair<ModuleId, T>>& c) {
  std::vector<ModuleId> modules;
  for (const auto* list : {&a, &b, &c})
    for (const auto& e : *list) modules.push_back(e.first);
  std::sort(modules.begin(), modules.end());
  modules.erase(std::unique(modules.begin(), modules.end()), modules.end());
  return modules;
}

bool OnLine(double a, double b, double l, double steps) {
  double expected = a + steps * (b - a);
  double scale = std::max({std::fabs(a), std::fabs(b), std::fabs(l), 1e-300});
  return std::fabs(l - expected) <= 1e-6 * scale;
}

/// Folds one call's figures: `ok` turns false when one is off the line.
struct PerfFolder {
  u128 steps, n;
  bool ok = true;

  Count Sum(Count a, Count b, Count l) {
    ok = ok && OnLine(a, b, l, steps);
    return ok ? SeriesSum(a, l, n) : Count(0);
  }
  double Sum(double a, double b, double l) {
    ok = ok && OnLine(a, b, l, static_cast<double>(steps));
    return static_cast<double>(n) * (a + l) / 2;
  }
  Traffic Sum(const Traffic& a, const Traffic& b, const Traffic& l) {
    return {Sum(a.activation_read, b.activation_read, l.activation_read),
            Sum(a.weight_read, b.weight_read, l.weight_read), Sum(a.kv_read, b.kv_read, l.kv_read),
            Sum(a.written, b.written, l.written)};
  }
  RooflineTime Sum(const RooflineTime& a, const RooflineTime& b, const RooflineTime& l) {
    return {Sum(a.compute_s, b.compute_s, l.compute_s), Sum(a.memory_s, b.memory_s, l.memory_s),
            Sum(a.time_s, b.time_s, l.time_s),
            Sum(a.compute_bound_s, b.compute_bound_s, l.compute_bound_s)};
  }
  template <typename T>  // ModulePerf or CallPerf
  T Sum(const T& a, const T& b, const T& l) {
    T s = a;
    s.traffic = Sum(a.traffic, b.traffic, l.traffic);
    s.flops = Sum(a.flops, b.flops, l.flops);
    s.roofline = Sum(a.roofline, b.roofline, l.roofline);
    s.activation_peak = std::max(a.activation_peak, l.activation_peak);
    return s;
  }
};

}  // namespace
}  // namespace call_folding

std::optional<CallCosts> SumAffineRun(const CallCosts& first, const CallCosts& second,
                                      const CallCosts& last, int64_t n) {
  const OpCost zero;
  auto steps = static_cast<u128>(n - 1);
  auto count = static_cast<u128>(n);
  size_t i0 = 0, i1 = 0, il = 0;
  CallCosts sum;
  for (ModuleId m : call_folding::Modules(first, second, last)) {
    const OpCost* c0 = call_folding::Entry(first, i0, m);
    const OpCost* c1 = call_folding::Entry(second, i1, m);
    const OpCost* cl = call_folding::Entry(last, il, m);
    const OpCost& a = c0 ? *c0 : zero;
    const OpCost& b = c1 ? *c1 : zero;
    const OpCost& l = cl ? *cl : zero;
    if (!call_folding::OnLine(a.macs, b.macs, l.macs, steps) ||
        !call_folding::OnLine(a.flops, b.flops, l.flops, steps)) {
      return std::nullopt;
    }
    sum.emplace_back(m, OpCost{call_folding::SeriesSum(a.macs, l.macs, count),
                               call_folding::SeriesSum(a.flops, l.flops, count)});
  }
  return sum;
}

std::optional<PerfAccumulator::Call> SumAffinePerfRun(const PerfAccumulator::Call& first,
                                                      const PerfAccumulator::Call& second,
                                                      const PerfAccumulator::Call& last,
                                                      int64_t n) {
  const ModulePerf zero;
  call_folding::PerfFolder fold{.steps = static_cast<u128>(n - 1), .n = static_cast<u128>(n)};
  size_t i0 = 0, i1 = 0, il = 0;
  PerfAccumulator::Call sum;
  for (ModuleId m : call_folding::Modules(first.modules, second.modules, last.modules)) {
    const ModulePerf* a = call_folding::Entry(first.modules, i0, m);
    const ModulePerf* b = call_folding::Entry(second.modules, i1, m);
    const ModulePerf* l = call_folding::Entry(last.modules, il, m);
    sum.modules.emplace_back(m, fold.Sum(a ? *a : zero, b ? *b : zero, l ? *l : zero));
    if (!fold.ok) return std::nullopt;
  }
  sum.total = fold.Sum(first.total, second.total, last.total);
  if (!fold.ok) return std::nullopt;
  return sum;
}

}  // namespace calflops
