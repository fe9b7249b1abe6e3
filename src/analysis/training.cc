#include "analysis/training.h"

namespace calflops {

TrainingEstimate EstimateTraining(const Profile& p, const Workload& w, const TrainingOptions& t,
                                  const Hardware* hw, std::optional<double> step_time_s) {
  TrainingEstimate e;
  const TrainPerf& tp = p.perf.train;
  auto policy = static_cast<size_t>(t.recompute);
  e.forward_flops = tp.forward_flops;
  e.backward_flops = tp.backward_flops;
  e.recompute_flops = tp.recompute_flops[policy];
  e.model_flops = e.forward_flops + e.backward_flops;
  e.hardware_flops = e.model_flops + e.recompute_flops;
  e.tokens = w.batch * w.seq_len;
  if (hw && !p.perf.calls.empty()) {
    // Forward at its roofline, backward at its own, recomputed forward in the forward's ratio.
    double fwd = p.perf.calls.front().roofline.time_s;
    double recompute = e.forward_flops.ToDouble() > 0
                           ? fwd * e.recompute_flops.ToDouble() / e.forward_flops.ToDouble()
                           : 0;
    e.roofline_step_s = fwd + tp.backward_roofline.time_s + recompute;
  }
  e.step_time_s = step_time_s;
  if (hw && step_time_s && *step_time_s > 0) {
    if (auto peak = hw->PeakFlops(p.activation_dtype); peak && *peak > 0) {
      e.mfu = e.model_flops.ToDouble() / (*step_time_s * *peak);
      e.hfu = e.hardware_flops.ToDouble() / (*step_time_s * *peak);
    }
  }
  return e;
}

}  // namespace calflops
