#include "analysis/estimates.h"

namespace calflops {

Estimates Estimate(const Profile& p, const Workload& w, const TrainingOptions& t,
                   const Hardware* hw, std::optional<double> step_time_s) {
  Estimates e;
  e.training_options = t;
  e.hardware = hw;
  e.memory = EstimateMemory(p, w, t);
  if (hw) e.latency = EstimateLatency(p, w, *hw, e.memory);
  if (w.train) e.training = EstimateTraining(p, w, t, hw, step_time_s);
  return e;
}

}  // namespace calflops
