#include "analysis/analyze.h"

#include "analysis/perf_accumulator.h"
#include "model/error.h"

namespace calflops {

namespace {

/// Sends every op to two sinks.
class TeeSink : public OpSink {
 public:
  TeeSink(OpSink& a, OpSink& b) : a_(a), b_(b) {}
  void Emit(ModuleId module, const Op& op) override {
    a_.Emit(module, op);
    b_.Emit(module, op);
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
}  // namespace

void ValidateWorkload(const Workload& w) {
  CheckRange("--batch-size", w.batch, 1, kMaxTokens);
  CheckRange("--seq-len", w.seq_len, 1, kMaxTokens);
  CheckRange("--prompt-tokens", w.prompt_tokens, 0, kMaxTokens);
  CheckRange("--max-new-tokens", w.max_new_tokens, 1, kMaxSteps);
  CheckRange("--images", w.images, 0, 1 << 16);
  CheckRange("--image-size height", w.image_height, 0, 1 << 20);
  CheckRange("--image-size width", w.image_width, 0, 1 << 20);
  if ((w.image_height == 0) != (w.image_width == 0)) {
    throw BadInput("workload", "--image-size needs both a height and a width");
  }
}

Profile Analyze(const Architecture& arch, const Workload& w, Convention c,
                const Hardware* hardware) {
  ValidateWorkload(w);
  Profile profile;
  profile.tree = arch.tree();
  profile.convention = c;
  profile.activation_dtype = arch.dtype();
  profile.uncosted = arch.uncosted();
  CostAccumulator acc(profile.tree.size(), c);
  PerfAccumulator perf(profile.tree, PerfOptions{.hardware = hardware,
                                                 .kv_cache = w.mode == Mode::kGenerate,
                                                 .train = w.train});
  TeeSink tee(acc, perf);
  Tracer tracer(tee, arch.dtype());
  for (const ForwardCall& call : arch.Plan(w)) {
    arch.Forward(tracer, call);
    OpCost per_call = acc.Commit(call.repeat);
    profile.perf.calls.push_back(perf.Commit(call.repeat));
    profile.calls.push_back(CallStats{.label = call.label,
                                      .repeat = call.repeat,
                                      .tokens = call.new_tokens,
                                      .context = call.past_tokens + call.new_tokens,
                                      .images = call.images,
                                      .macs = per_call.macs,
                                      .flops = per_call.flops});
  }
  acc.Finish(profile);
  perf.Finish(profile.perf);
  if (w.mode == Mode::kGenerate) profile.kv_cache = arch.KvCache();
  return profile;
}

}  // namespace calflops
