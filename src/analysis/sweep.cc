#include "analysis/sweep.h"

#include <algorithm>
#include <charconv>
#include <string>

#include "analysis/analyze.h"
#include "analysis/sweep_polynomial.h"
#include "analysis/symbolic.h"
#include "model/error.h"

namespace calflops {
namespace sweep {
namespace {

int64_t Int(std::string_view option, std::string_view spec, std::string_view part) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
  if (part.empty() || ec != std::errc() || end != part.data() + part.size() || v < 1) {
    throw Error(ExitCode::kUsage, std::string(option),
                "bad range '" + std::string(spec) + "': '" + std::string(part) +
                    "' is not a positive integer (expected A:B:xK or A:B:+K)");
  }
  return v;
}

}  // namespace
}  // namespace sweep

std::string_view SweepAxisOption(SweepAxis a) {
  switch (a) {
    case SweepAxis::kSeqLen:
      return "--seq-len";
    case SweepAxis::kBatch:
      return "--batch-size";
    case SweepAxis::kPromptTokens:
      return "--prompt-tokens";
    case SweepAxis::kMaxNewTokens:
      return "--max-new-tokens";
    case SweepAxis::kImageSize:
      return "--image-size";
  }
  return "";
}

std::vector<int64_t> ParseSweepRange(std::string_view option, std::string_view spec) {
  auto c1 = spec.find(':');
  if (c1 == std::string_view::npos) return {sweep::Int(option, spec, spec)};
  auto c2 = spec.find(':', c1 + 1);
  if (c2 == std::string_view::npos || c2 + 2 > spec.size() ||
      (spec[c2 + 1] != 'x' && spec[c2 + 1] != '+')) {
    throw Error(ExitCode::kUsage, std::string(option),
                "bad range '" + std::string(spec) + "' (expected A:B:xK or A:B:+K)");
  }
  int64_t a = sweep::Int(option, spec, spec.substr(0, c1));
  int64_t b = sweep::Int(option, spec, spec.substr(c1 + 1, c2 - c1 - 1));
  int64_t k = sweep::Int(option, spec, spec.substr(c2 + 2));
  bool geometric = spec[c2 + 1] == 'x';
  if (b < a) {
    throw Error(ExitCode::kUsage, std::string(option),
                "bad range '" + std::string(spec) + "': the end is below the start");
  }
  if (geometric && k < 2) {
    throw Error(ExitCode::kUsage, std::string(option),
                "bad range '" + std::string(spec) + "': the factor after x must be at least 2");
  }
  std::vector<int64_t> v;
  for (int64_t x = a; x < b;) {
    v.push_back(x);
    if (v.size() >= kMaxSweepPoints) {
      throw Error(ExitCode::kUsage, std::string(option),
                  "range '" + std::string(spec) + "' has more than " +
                      std::to_string(kMaxSweepPoints) + " points");
    }
    if (geometric ? x > b / k : x > b - k) break;  // the next step passes b (no overflow)
    x = geometric ? x * k : x + k;
  }
  v.push_back(b);
  return v;
}

Workload WithAxis(Workload w, SweepAxis a, int64_t v) {
  switch (a) {
    case SweepAxis::kSeqLen:
      w.seq_len = v;
      break;
    case SweepAxis::kBatch:
      w.batch = v;
      break;
    case SweepAxis::kPromptTokens:
      w.prompt_tokens = v;
      break;
    case SweepAxis::kMaxNewTokens:
      w.max_new_tokens = v;
      break;
    case SweepAxis::kImageSize:
      w.image_height = w.image_width = v;
      break;
  }
  return w;
}

std::vector<int64_t> SweepRoutedTokens(const Architecture& arch, const Workload& base,
                                       SweepAxis axis, const std::vector<int64_t>& values) {
  std::vector<int64_t> tokens;
  auto add = [&](const Workload& w) {
    try {
      for (int64_t t : PlannedRoutedTokens(arch, w)) tokens.push_back(t);
    } catch (const Error&) {
      // A point the model refuses fails the sweep where it is analysed.
    }
  };
  const int64_t v0 = PolynomialSweepStart(axis);
  for (int64_t v : {v0, v0 + 1, v0 + 2}) add(WithAxis(base, axis, v));  // the quadratics' fit
  for (int64_t b = 1; b <= 3; ++b)                                      // SweepCounts' fit
    for (int64_t s = 2; s <= 4; ++s) add(SymbolicWorkload(base, SymbolicCall::kForward, b, s));
  for (int64_t v : values) add(WithAxis(base, axis, v));
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
  return tokens;
}

int64_t AnalysisWork(const Architecture& arch, const Workload& w) {
  int64_t traces = 0;
  for (const ForwardCall& run : arch.Plan(w)) {
    // Analyze traces an identical run once, a growing one from 3 calls per segment between
    // the architecture's breakpoints (more only where a segment is not affine).
    if (run.repeat == 1 || run.past_step == 0) {
      traces += 1;
    } else {
      traces += std::min<int64_t>(run.repeat, 3) *
                (1 + static_cast<int64_t>(arch.CostBreakpoints(run).size()));
    }
  }
  const auto modules = static_cast<int64_t>(arch.tree().size());
  return modules * traces * (w.train ? 3 : 1);
}

int64_t ProfileWork(const Profile& p, bool train) {
  int64_t traces = 0;
  for (const CallStats& run : p.calls) traces += std::min<int64_t>(run.repeat, 3);
  return static_cast<int64_t>(p.tree.size()) * traces * (train ? 3 : 1);
}

void ChargeSweepWork(const Architecture& arch, const Workload& base, SweepAxis axis,
                     const std::vector<int64_t>& values, int64_t* work_left) {
  if (work_left == nullptr) return;
  int64_t work = 0;  // <= 4,096 points x 2^62 / 2^13: the tree, plan and breakpoints are small
  for (int64_t v : values) {
    Workload w = WithAxis(base, axis, v);
    ValidateWorkload(w);  // a point past the limits fails as a single run would
    work += AnalysisWork(arch, w);
  }
  if (work > *work_left) {
    throw Error(ExitCode::kUsage, std::string(SweepAxisOption(axis)),
                "sweep too costly: " + std::to_string(values.size()) + " points of a " +
                    std::to_string(arch.tree().size()) + "-module model analysed in full take " +
                    std::to_string(work) + " work units (modules x traced calls, x3 to train), " +
                    (*work_left < kMaxSweepWork
                         ? "more than the " + std::to_string(*work_left) + " left of the "
                         : "more than the ") +
                    std::to_string(kMaxSweepWork) +
                    " a sweep command may take; sweep fewer points");
  }
  *work_left -= work;
}

std::vector<SweepPoint> Sweep(const Architecture& arch, const Workload& base, SweepAxis axis,
                              const std::vector<int64_t>& values, Convention c, const Hardware* hw,
                              const TrainingOptions& training, SweepPath path, int64_t* work_left) {
  auto full = [&](int64_t v) {
    Workload w = WithAxis(base, axis, v);
    Profile p = Analyze(arch, w, c, hw);
    Estimates e = Estimate(p, w, training, hw, std::nullopt);
    SweepPoint pt{.value = v,
                  .params = p.total().params,
                  .macs = p.total().macs,
                  .flops = p.total().flops,
                  .memory_peak = e.memory.peak};
    if (e.latency) pt.latency_s = e.latency->total_s;
    return pt;
  };
  if (path == SweepPath::kAuto && values.size() >= kPolynomialSweepMin) {
    if (auto points = SweepByPolynomials(arch, base, axis, values, c, hw, full)) return *points;
  }
  ChargeSweepWork(arch, base, axis, values, work_left);
  std::vector<SweepPoint> points;
  points.reserve(values.size());
  for (int64_t v : values) points.push_back(full(v));
  return points;
}

std::vector<SweepPoint> SweepCounts(const Architecture& arch, const Workload& base, SweepAxis axis,
                                    const std::vector<int64_t>& values, Convention c,
                                    int64_t* work_left) {
  auto full = [&](int64_t v) {
    Profile p = Analyze(arch, WithAxis(base, axis, v), c);
    return SweepPoint{
        .value = v, .params = p.total().params, .macs = p.total().macs, .flops = p.total().flops};
  };
  std::vector<SweepPoint> points;
  points.reserve(values.size());
  const bool polynomial = base.mode == Mode::kForward && !base.train &&
                          (axis == SweepAxis::kSeqLen || axis == SweepAxis::kBatch) &&
                          values.size() > 21;
  if (polynomial) {
    // The per-op quadratics first (~12 traces); their memory and latency are not asked for.
    if (auto fast = SweepByPolynomials(arch, base, axis, values, c, nullptr, full)) {
      for (SweepPoint& p : *fast) p.memory_peak = Count(0);
      return *fast;
    }
    // The largest point in full first: past the model's limits it fails as a single run would.
    int64_t largest = *std::max_element(values.begin(), values.end());
    SweepPoint top = full(largest);
    std::vector<int64_t> checks;  // the ends and 10 evenly spaced points between
    for (size_t k = 0; k < 12; ++k) checks.push_back(values[k * (values.size() - 1) / 11]);
    const bool seq = axis == SweepAxis::kSeqLen;
    std::vector<int64_t> fixed{seq ? base.batch : base.seq_len};
    try {
      SymbolicCost sc = FitCall(arch, base, c, SymbolicCall::kForward, seq ? fixed : checks,
                                seq ? checks : fixed);
      for (int64_t v : values) {
        int64_t b = seq ? base.batch : v, s = seq ? v : base.seq_len;
        if (s < sc.from) {
          points.push_back(full(v));  // below the polynomial's range
          continue;
        }
        points.push_back({.value = v,
                          .params = top.params,
                          .macs = sc.macs.At(b, s),
                          .flops = sc.flops.At(b, s)});
      }
      return points;
    } catch (const Error& e) {
      if (e.code() != ExitCode::kUnsupported) throw;
      points.clear();  // not a polynomial here: every point in full
    }
  }
  ChargeSweepWork(arch, base, axis, values, work_left);
  for (int64_t v : values) points.push_back(full(v));
  return points;
}

}  // namespace calflops
