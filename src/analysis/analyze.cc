#include "analysis/analyze.h"
#include "model/image_limits.h"

#include <algorithm>

#include "analysis/call_folding.h"
#include "analysis/perf_accumulator.h"
#include "model/error.h"

namespace calflops {

namespace analyze {
namespace {

/// Sends every op to two sinks.
class TeeSink : public OpSink {
 public:
  TeeSink(OpSink& a, OpSink& b) : a_(a), b_(b) {}
  void Emit(ModuleId module, const Op& op) override {
    a_.Emit(module, op);
    b_.Emit(module, op);
  }
  /// Loop bodies: both sinks count `times` executions in closed form (a trip count of 2^62 is
  /// one call, not 2^62).
  void EmitRepeated(ModuleId module, const Op& op, int64_t times) override {
    a_.EmitRepeated(module, op, times);
    b_.EmitRepeated(module, op, times);
  }

 private:
  OpSink& a_;
  OpSink& b_;
};

void CheckRange(const char* what, int64_t v, int64_t min, int64_t max) {
  if (v < min || v > max) {
    throw BadInput("workload", std::string(what) + " is " + std::to_string(v) +
                                   ", expected an integer in [" + std::to_string(min) + ", " +
                                   std::to_string(max) + "]");
  }
}

/// One traced call: its costs and its perf figures.
struct Sample {
  CallCosts costs;
  PerfAccumulator::Call perf;
};

/// Traces calls and adds their figures to the profile, one run at a time.
class RunCoster {
 public:
  RunCoster(const Architecture& arch, Profile& profile, CostAccumulator& acc, PerfAccumulator& perf,
            Tracer& tracer)
      : arch_(arch), profile_(profile), acc_(acc), perf_(perf), tracer_(tracer) {}

  /// A run of calls all identical: one trace, counted `repeat` times.
  void Identical(const ForwardCall& run) {
    Sample s = Trace(run, 0);
    Count n = Count::FromSigned(run.repeat);
    acc_.Add(s.costs, n);
    perf_.Add(s.perf, n);
    CallPerf total = s.perf.total;
    total.traffic = total.traffic.Times(n);
    total.flops = total.flops * n;
    total.roofline = total.roofline.Times(n.ToDouble());
    Record(run, 0, run.repeat, s, s, total);
  }

  /// Calls [start, start + n) of a run whose cache grows, every one traced.
  void Replay(const ForwardCall& run, int64_t start, int64_t n) {
    for (int64_t i = start; i < start + n; ++i) {
      Sample s = Trace(run, i);
      acc_.Add(s.costs);
      perf_.Add(s.perf);
      Record(run, i, 1, s, s, s.perf.total);
    }
  }

  /// Calls [start, start + n) of a run, summed as arithmetic series from calls 0, 1 and n - 1 of
  /// the segment; a segment that turns out not to be affine (a change of slope the architecture
  /// did not declare) is halved until its parts are.
  void Fold(const ForwardCall& run, int64_t start, int64_t n) {
    if (n <= 3) return Replay(run, start, n);
    Sample first = Trace(run, start);
    Sample second = Trace(run, start + 1);
    Sample last = Trace(run, start + n - 1);
    auto costs = SumAffineRun(first.costs, second.costs, last.costs, n);
    auto perf = costs ? SumAffinePerfRun(first.perf, second.perf, last.perf, n) : std::nullopt;
    if (costs && perf) {
      acc_.Add(*costs);
      perf_.Add(*perf);
      Record(run, start, n, first, last, perf->total);
      return;
    }
    Fold(run, start, n / 2);
    Fold(run, start + n / 2, n - n / 2);
  }

 private:
  Sample Trace(const ForwardCall& run, int64_t i) {
    ForwardCall call = run;
    call.repeat = 1;
    call.past_step = 0;
    call.past_tokens = run.past_tokens + i * run.past_step;
    arch_.Forward(tracer_, call);
    return Sample{acc_.TakeCall(), perf_.TakeCall()};
  }

  void Record(const ForwardCall& run, int64_t start, int64_t n, const Sample& first,
              const Sample& last, const CallPerf& total) {
    OpCost f = TotalOf(first.costs), l = TotalOf(last.costs);
    int64_t context = run.past_tokens + start * run.past_step + run.new_tokens;
    profile_.calls.push_back(
        CallStats{.label = run.display.empty() ? std::string(CallKindName(run.kind)) : run.display,
                  .repeat = n,
                  .tokens = run.new_tokens,
                  .context = context,
                  .context_step = n > 1 ? run.past_step : 0,
                  .images = run.images,
                  .macs = f.macs,
                  .flops = f.flops,
                  .last_macs = l.macs,
                  .last_flops = l.flops});
    profile_.perf.calls.push_back(
        RunPerf{.first = first.perf.total, .last = last.perf.total, .total = total});
  }

  const Architecture& arch_;
  Profile& profile_;
  CostAccumulator& acc_;
  PerfAccumulator& perf_;
  Tracer& tracer_;
};

/// Call indices of `run` where its cost may change slope, from the architecture's breakpoints.
std::vector<int64_t> Cuts(const Architecture& arch, const ForwardCall& run) {
  std::vector<int64_t> cuts;
  for (int64_t past : arch.CostBreakpoints(run)) {
    // The first call whose cache length is at least `past`.
    int64_t i =
        past <= run.past_tokens ? 0 : (past - run.past_tokens + run.past_step - 1) / run.past_step;
    if (i > 0 && i < run.repeat) cuts.push_back(i);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  cuts.push_back(run.repeat);
  return cuts;
}

}  // namespace
}  // namespace analyze

void ValidateWorkload(const Workload& w) {
  analyze::CheckRange("--batch-size", w.batch, 1, kMaxTokens);
  analyze::CheckRange("--seq-len", w.seq_len, 1, kMaxTokens);
  analyze::CheckRange("--prompt-tokens", w.prompt_tokens, 0, kMaxTokens);
  analyze::CheckRange("--max-new-tokens", w.max_new_tokens, 1, kMaxSteps);
  analyze::CheckRange("--images", w.images, 0, 1 << 16);
  analyze::CheckRange("--image-size height", w.image_height, 0, kMaxImageSide);
  analyze::CheckRange("--image-size width", w.image_width, 0, kMaxImageSide);
  if ((w.image_height == 0) != (w.image_width == 0)) {
    throw BadInput("workload", "--image-size needs both a height and a width");
  }
  if (w.mode == Mode::kGenerate) {
    int64_t prompt = w.Prompt();
    if (prompt + w.max_new_tokens > kMaxTokens) {
      throw BadInput("workload", "prompt plus new tokens is " +
                                     std::to_string(prompt + w.max_new_tokens) +
                                     ", above the context limit of " + std::to_string(kMaxTokens));
    }
  }
}

Profile Analyze(const Architecture& arch, const Workload& w, Convention c, const Hardware* hardware,
                RunCosting costing) {
  ValidateWorkload(w);
  Profile profile;
  profile.tree = arch.tree();
  profile.convention = c;
  profile.activation_dtype = arch.dtype();
  profile.uncosted = arch.uncosted();
  CostAccumulator acc(profile.tree.size(), c);
  PerfAccumulator perf(
      profile.tree,
      PerfOptions{.hardware = hardware, .kv_cache = w.mode == Mode::kGenerate, .train = w.train});
  analyze::TeeSink tee(acc, perf);
  Tracer tracer(tee, arch.dtype());
  analyze::RunCoster coster(arch, profile, acc, perf, tracer);
  int64_t encoder_tokens = 0;  // what cross-attention caches keep per sequence
  for (const ForwardCall& run : arch.Plan(w)) {
    encoder_tokens = std::max(encoder_tokens, run.encoder_tokens);
    if (run.repeat < 1 || run.repeat > kMaxSteps || run.past_step < 0 ||
        run.past_step > (kMaxTokens - run.past_tokens) / run.repeat) {
      throw Error(ExitCode::kInternal, "",
                  "planned run '" + std::string(CallKindName(run.kind)) + "' of " +
                      std::to_string(run.repeat) + " calls is out of range");
    }
    if (run.past_step == 0 || run.repeat == 1) {
      coster.Identical(run);
    } else if (costing == RunCosting::kReplay) {
      coster.Replay(run, 0, run.repeat);
    } else {
      int64_t start = 0;
      for (int64_t end : analyze::Cuts(arch, run)) {
        coster.Fold(run, start, end - start);
        start = end;
      }
    }
  }
  acc.Finish(profile);
  perf.Finish(profile.perf);
  if (w.mode == Mode::kGenerate) {
    profile.kv_cache = arch.KvCache();
    for (KvCacheSpec& s : profile.kv_cache) {
      if (s.elements_per_encoder_token > 0) s.encoder_tokens = encoder_tokens;
    }
  }
  return profile;
}

}  // namespace calflops
