#include "analysis/analyze.h"

#include <algorithm>

#include "analysis/call_folding.h"
#include "model/error.h"

namespace calflops {

namespace {

void CheckRange(const char* what, int64_t v, int64_t min, int64_t max) {
  if (v < min || v > max) {
    throw BadInput("workload", std::string(what) + " is " + std::to_string(v) +
                                   ", expected an integer in [" + std::to_string(min) + ", " +
                                   std::to_string(max) + "]");
  }
}

/// Traces calls and adds their costs to the profile, one run at a time.
class RunCoster {
 public:
  RunCoster(const Architecture& arch, Profile& profile, CostAccumulator& acc, Tracer& tracer)
      : arch_(arch), profile_(profile), acc_(acc), tracer_(tracer) {}

  /// A run of calls all identical: one trace, counted `repeat` times.
  void Identical(const ForwardCall& run) {
    CallCosts c = Trace(run, 0);
    acc_.Add(c, Count::FromSigned(run.repeat));
    Record(run, 0, run.repeat, TotalOf(c), TotalOf(c));
  }

  /// Calls [start, start + n) of a run whose cache grows, every one traced.
  void Replay(const ForwardCall& run, int64_t start, int64_t n) {
    for (int64_t i = start; i < start + n; ++i) {
      CallCosts c = Trace(run, i);
      acc_.Add(c);
      Record(run, i, 1, TotalOf(c), TotalOf(c));
    }
  }

  /// Calls [start, start + n) of a run, summed as an arithmetic series from calls 0, 1 and n - 1
  /// of the segment; a segment that turns out not to be affine (a change of slope the
  /// architecture did not declare) is halved until its parts are.
  void Fold(const ForwardCall& run, int64_t start, int64_t n) {
    if (n <= 3) return Replay(run, start, n);
    CallCosts first = Trace(run, start);
    CallCosts second = Trace(run, start + 1);
    CallCosts last = Trace(run, start + n - 1);
    if (auto sum = SumAffineRun(first, second, last, n)) {
      acc_.Add(*sum);
      Record(run, start, n, TotalOf(first), TotalOf(last));
      return;
    }
    Fold(run, start, n / 2);
    Fold(run, start + n / 2, n - n / 2);
  }

 private:
  CallCosts Trace(const ForwardCall& run, int64_t i) {
    ForwardCall call = run;
    call.repeat = 1;
    call.past_step = 0;
    call.past_tokens = run.past_tokens + i * run.past_step;
    arch_.Forward(tracer_, call);
    return acc_.TakeCall();
  }

  void Record(const ForwardCall& run, int64_t start, int64_t n, const OpCost& first,
              const OpCost& last) {
    int64_t context = run.past_tokens + start * run.past_step + run.new_tokens;
    profile_.calls.push_back(CallStats{.label = run.label,
                                       .repeat = n,
                                       .tokens = run.new_tokens,
                                       .context = context,
                                       .context_step = n > 1 ? run.past_step : 0,
                                       .macs = first.macs,
                                       .flops = first.flops,
                                       .last_macs = last.macs,
                                       .last_flops = last.flops});
  }

  const Architecture& arch_;
  Profile& profile_;
  CostAccumulator& acc_;
  Tracer& tracer_;
};

}  // namespace

void ValidateWorkload(const Workload& w) {
  CheckRange("--batch-size", w.batch, 1, kMaxTokens);
  CheckRange("--seq-len", w.seq_len, 1, kMaxTokens);
  CheckRange("--prompt-tokens", w.prompt_tokens, 0, kMaxTokens);
  CheckRange("--max-new-tokens", w.max_new_tokens, 1, kMaxSteps);
  CheckRange("--images", w.images, 0, 1 << 16);
  if (w.mode == Mode::kGenerate) {
    int64_t prompt = w.prompt_tokens > 0 ? w.prompt_tokens : w.seq_len;
    if (prompt + w.max_new_tokens > kMaxTokens) {
      throw BadInput("workload", "prompt plus new tokens is " +
                                     std::to_string(prompt + w.max_new_tokens) +
                                     ", above the context limit of " + std::to_string(kMaxTokens));
    }
  }
}

Profile Analyze(const Architecture& arch, const Workload& w, Convention c, RunCosting costing) {
  ValidateWorkload(w);
  Profile profile;
  profile.tree = arch.tree();
  profile.convention = c;
  CostAccumulator acc(profile.tree.size(), c);
  Tracer tracer(acc, arch.dtype());
  RunCoster coster(arch, profile, acc, tracer);
  for (const ForwardCall& run : arch.Plan(w)) {
    if (run.repeat < 1 || run.repeat > kMaxSteps || run.past_step < 0 ||
        run.past_step > (kMaxTokens - run.past_tokens) / run.repeat) {
      throw Error(ExitCode::kInternal, "", "planned run '" + run.label + "' of " +
                                               std::to_string(run.repeat) + " calls is out of range");
    }
    if (run.past_step == 0 || run.repeat == 1) {
      coster.Identical(run);
    } else if (costing == RunCosting::kReplay) {
      coster.Replay(run, 0, run.repeat);
    } else {
      // Segments between the architecture's breakpoints, each affine by its declaration.
      int64_t start = 0;
      std::vector<int64_t> cuts;
      for (int64_t past : arch.CostBreakpoints(run)) {
        // The first call whose cache length is at least `past`.
        int64_t i = past <= run.past_tokens ? 0
                                            : (past - run.past_tokens + run.past_step - 1) / run.past_step;
        if (i > 0 && i < run.repeat) cuts.push_back(i);
      }
      std::sort(cuts.begin(), cuts.end());
      cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
      cuts.push_back(run.repeat);
      for (int64_t end : cuts) {
        coster.Fold(run, start, end - start);
        start = end;
      }
    }
  }
  acc.Finish(profile);
  return profile;
}

}  // namespace calflops
