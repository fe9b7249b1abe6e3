#include "analysis/sweep_polynomial.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "analysis/perf_accumulator.h"
#include "analysis/weight_memory.h"
#include "model/tracer.h"

namespace calflops {
namespace {

using i128 = __int128;

/// The shortcut does not apply here; the caller analyses every point.
struct NotApplicable {};

class TeeSink : public OpSink {
 public:
  TeeSink(OpSink& a, OpSink& b) : a_(a), b_(b) {}
  void Emit(ModuleId module, const Op& op) override {
    a_.Emit(module, op);
    b_.Emit(module, op);
  }
  void EmitRepeated(ModuleId module, const Op& op, int64_t times) override {
    a_.EmitRepeated(module, op, times);
    b_.EmitRepeated(module, op, times);
  }

 private:
  OpSink& a_;
  OpSink& b_;
};

/// One planned run of identical calls: the ops of one call, `repeat` times over.
struct TracedRun {
  std::vector<OpPerf> ops;
  int64_t repeat = 1;
};

struct Traced {
  std::vector<TracedRun> runs;
  OpCost cost;  ///< the workload's MACs and FLOPs under the convention
};

/// What Analyze measures of a forward workload, op by op (its runs are all of identical calls).
Traced TraceForward(const Architecture& arch, const Workload& w, Convention c) {
  const ModuleTree& tree = arch.tree();
  CostAccumulator acc(tree.size(), c);
  PerfAccumulator perf(tree, PerfOptions{});
  TeeSink tee(acc, perf);
  Tracer tracer(tee, arch.dtype());
  std::vector<OpPerf> log;
  perf.RecordOps(&log);
  Traced t;
  for (const ForwardCall& run : arch.Plan(w)) {
    if (run.repeat < 1 || run.repeat > kMaxSteps || (run.past_step != 0 && run.repeat != 1))
      throw NotApplicable{};
    ForwardCall call = run;
    call.repeat = 1;
    call.past_step = 0;
    arch.Forward(tracer, call);
    OpCost cost = TotalOf(acc.TakeCall());
    perf.TakeCall();
    Count n = Count::FromSigned(run.repeat);
    t.cost += OpCost{cost.macs * n, cost.flops * n};
    t.runs.push_back(TracedRun{std::move(log), run.repeat});
    log.clear();
  }
  return t;
}

i128 Add(i128 a, i128 b) {
  i128 r;
  if (__builtin_add_overflow(a, b, &r)) throw NotApplicable{};
  return r;
}
i128 Sub(i128 a, i128 b) {
  i128 r;
  if (__builtin_sub_overflow(a, b, &r)) throw NotApplicable{};
  return r;
}
i128 Mul(i128 a, i128 b) {
  i128 r;
  if (__builtin_mul_overflow(a, b, &r)) throw NotApplicable{};
  return r;
}
i128 Signed(Count c) {
  if (c.value() > static_cast<u128>(~u128{0} >> 1)) throw NotApplicable{};
  return static_cast<i128>(c.value());
}

/// f(v0 + t) = a + d1 t + d2 t (t - 1) / 2: Newton's form through t = 0, 1, 2, all integers.
struct Quad {
  i128 a = 0, d1 = 0, d2 = 0;
  auto operator<=>(const Quad&) const = default;
};

Quad Fit(Count f0, Count f1, Count f2) {
  i128 a = Signed(f0), b = Signed(f1), c = Signed(f2);
  return Quad{a, Sub(b, a), Add(Sub(c, Mul(2, b)), a)};
}

/// The value at t (h = t (t - 1) / 2); a negative or overflowing value is no count.
Count At(const Quad& q, i128 t, i128 h) {
  i128 v = Add(Add(q.a, Mul(q.d1, t)), Mul(q.d2, h));
  if (v < 0) throw NotApplicable{};
  return Count::FromU128(static_cast<u128>(v));
}

/// An op as indices into the distinct quadratics.
struct OpRef {
  uint32_t flops, bytes, live, roofline;  ///< roofline: index into the (flops, bytes, dtype) set
};

struct Roof {
  uint32_t flops, bytes;
  DType dtype;
};

/// The quadratics of every figure of a traced workload, shared where ops repeat.
class Model {
 public:
  Model(const Traced& t0, const Traced& t1, const Traced& t2) {
    SameShape(t0, t1);
    SameShape(t0, t2);
    macs_ = Fit(t0.cost.macs, t1.cost.macs, t2.cost.macs);
    flops_ = Fit(t0.cost.flops, t1.cost.flops, t2.cost.flops);
    std::map<std::tuple<uint32_t, uint32_t, DType>, uint32_t> roof_ids;
    for (size_t r = 0; r < t0.runs.size(); ++r) {
      Run run{.repeat = t0.runs[r].repeat};
      for (size_t i = 0; i < t0.runs[r].ops.size(); ++i) {
        const OpPerf &a = t0.runs[r].ops[i], &b = t1.runs[r].ops[i], &c = t2.runs[r].ops[i];
        OpRef ref{.flops = Id(Fit(a.flops, b.flops, c.flops)),
                  .bytes = Id(Fit(a.bytes, b.bytes, c.bytes)),
                  .live = Id(Fit(a.live, b.live, c.live)),
                  .roofline = 0};
        auto key = std::make_tuple(ref.flops, ref.bytes, a.dtype);
        auto [it, fresh] = roof_ids.emplace(key, static_cast<uint32_t>(roofs_.size()));
        if (fresh) roofs_.push_back(Roof{ref.flops, ref.bytes, a.dtype});
        ref.roofline = it->second;
        run.ops.push_back(ref);
        run.dtypes.push_back(a.dtype);
        if (std::find(run.lives.begin(), run.lives.end(), ref.live) == run.lives.end())
          run.lives.push_back(ref.live);
      }
      runs_.push_back(std::move(run));
    }
  }

  /// Every distinct quadratic at t (v = v0 + t).
  void Evaluate(int64_t t) {
    i128 ti = t, h = Mul(ti, ti - 1) / 2;
    values_.resize(quads_.size());
    for (size_t i = 0; i < quads_.size(); ++i) values_[i] = At(quads_[i], ti, h);
    macs_at_ = At(macs_, ti, h);
    flops_at_ = At(flops_, ti, h);
  }

  /// A trace at the evaluated point agrees with every quadratic, op by op.
  bool Matches(const Traced& t) const {
    if (t.runs.size() != runs_.size() || t.cost.macs != macs_at_ || t.cost.flops != flops_at_)
      return false;
    for (size_t r = 0; r < runs_.size(); ++r) {
      const Run& run = runs_[r];
      const TracedRun& tr = t.runs[r];
      if (tr.repeat != run.repeat || tr.ops.size() != run.ops.size()) return false;
      for (size_t i = 0; i < run.ops.size(); ++i) {
        const OpRef& o = run.ops[i];
        const OpPerf& p = tr.ops[i];
        if (p.dtype != run.dtypes[i] || p.flops != values_[o.flops] ||
            p.bytes != values_[o.bytes] || p.live != values_[o.live])
          return false;
      }
    }
    return true;
  }

  /// The evaluated point as a full analysis reports it (analysis/memory.cc, latency.cc).
  SweepPoint Point(int64_t v, Count params, Count weights, const Hardware* hw) {
    SweepPoint pt{.value = v, .params = params, .macs = macs_at_, .flops = flops_at_};
    Count best;
    for (const Run& run : runs_)
      for (uint32_t l : run.lives) best = std::max(best, values_[l]);
    pt.memory_peak = weights + best;
    if (hw) {
      times_.resize(roofs_.size());
      for (size_t i = 0; i < roofs_.size(); ++i) {
        const Roof& r = roofs_[i];
        times_[i] = Roofline(*hw, r.dtype, values_[r.flops], values_[r.bytes]).time_s;
      }
      double first = 0, decode = 0;
      for (size_t r = 0; r < runs_.size(); ++r) {
        double sum = 0;  // in trace order, as PerfAccumulator adds them
        for (const OpRef& o : runs_[r].ops) sum += times_[o.roofline];
        sum *= static_cast<double>(runs_[r].repeat);
        (r == 0 ? first : decode) += sum;
      }
      pt.latency_s = first + decode;
    }
    return pt;
  }

 private:
  struct Run {
    int64_t repeat = 1;
    std::vector<OpRef> ops{};
    std::vector<DType> dtypes{};
    std::vector<uint32_t> lives{};  ///< distinct live quadratics
  };

  static void SameShape(const Traced& a, const Traced& b) {
    if (a.runs.size() != b.runs.size()) throw NotApplicable{};
    for (size_t r = 0; r < a.runs.size(); ++r) {
      if (a.runs[r].repeat != b.runs[r].repeat || a.runs[r].ops.size() != b.runs[r].ops.size())
        throw NotApplicable{};
      for (size_t i = 0; i < a.runs[r].ops.size(); ++i)
        if (a.runs[r].ops[i].dtype != b.runs[r].ops[i].dtype) throw NotApplicable{};
    }
  }

  uint32_t Id(const Quad& q) {
    auto [it, fresh] = ids_.emplace(q, static_cast<uint32_t>(quads_.size()));
    if (fresh) quads_.push_back(q);
    return it->second;
  }

  std::vector<Quad> quads_;
  std::map<Quad, uint32_t> ids_;
  std::vector<Roof> roofs_;
  std::vector<Run> runs_;
  Quad macs_, flops_;
  std::vector<Count> values_;
  Count macs_at_, flops_at_;
  std::vector<double> times_;
};

}  // namespace

int64_t PolynomialSweepStart(SweepAxis axis) { return axis == SweepAxis::kSeqLen ? 2 : 1; }

std::optional<std::vector<SweepPoint>> SweepByPolynomials(
    const Architecture& arch, const Workload& base, SweepAxis axis,
    const std::vector<int64_t>& values, Convention c, const Hardware* hw,
    const std::function<SweepPoint(int64_t)>& full, int* checked) {
  if (base.mode != Mode::kForward || base.train ||
      (axis != SweepAxis::kSeqLen && axis != SweepAxis::kBatch)) {
    return std::nullopt;
  }
  const int64_t v0 = PolynomialSweepStart(axis);
  std::vector<int64_t> fitted;  // the values the quadratics cover
  for (int64_t v : values)
    if (v >= v0) fitted.push_back(v);
  if (fitted.empty()) return std::nullopt;
  // Checks: both ends, the one before the last, 6 evenly spaced between; the largest first.
  std::vector<int64_t> checks;
  if (fitted.size() >= 2) checks.push_back(fitted[fitted.size() - 2]);
  for (size_t k = 0; k <= 7; ++k) checks.push_back(fitted[k * (fitted.size() - 1) / 7]);
  std::sort(checks.begin(), checks.end(), std::greater<>());
  checks.erase(std::unique(checks.begin(), checks.end()), checks.end());

  auto trace = [&](int64_t v) {
    Workload w = WithAxis(base, axis, v);
    ValidateWorkload(w);
    return TraceForward(arch, w, c);
  };
  try {
    Traced t0 = trace(v0), t1 = trace(v0 + 1), t2 = trace(v0 + 2);  // in this order
    Model model(t0, t1, t2);
    int passed = 0;
    for (int64_t v : checks) {
      Traced t = trace(v);
      model.Evaluate(v - v0);
      if (!model.Matches(t)) return std::nullopt;
      ++passed;
    }
    const Count params = arch.tree().SubtreeParams()[0];
    const Count weights = ComputeWeightMemory(arch.tree()).total();
    std::vector<SweepPoint> points;
    points.reserve(values.size());
    for (int64_t v : values) {
      if (v < v0) {
        points.push_back(full(v));
        continue;
      }
      ValidateWorkload(WithAxis(base, axis, v));
      model.Evaluate(v - v0);
      points.push_back(model.Point(v, params, weights, hw));
    }
    if (checked) *checked = passed;
    return points;
  } catch (const NotApplicable&) {
    return std::nullopt;
  } catch (const Error&) {
    return std::nullopt;  // the full path reports it, at the point where it occurs
  }
}

}  // namespace calflops
