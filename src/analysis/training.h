// FLOPs of one training step (--mode train) and model FLOPs utilisation.
//
// Model FLOPs = forward + backward, counted per op (ops/autograd.h); hardware FLOPs add the
// forward work recomputed under --recompute. MFU = model FLOPs / (step time x peak) (PaLM,
// appendix B); HFU is the same with hardware FLOPs.
#pragma once

#include <optional>

#include "model/hardware.h"
#include "analysis/profile.h"
#include "analysis/training_options.h"
#include "model/workload.h"

namespace calflops {

struct TrainingEstimate {
  Count forward_flops;
  Count backward_flops;
  Count recompute_flops;
  Count model_flops;                      ///< forward + backward
  Count hardware_flops;                   ///< + recomputation
  int64_t tokens = 0;                     ///< batch x sequence length
  std::optional<double> roofline_step_s;  ///< with a hardware profile
  std::optional<double> step_time_s;      ///< measured, from --step-time or --tokens-per-second
  std::optional<double> mfu;
  std::optional<double> hfu;
};

/// `step_time_s` (measured) gives MFU and HFU when `hw` is set too.
TrainingEstimate EstimateTraining(const Profile& p, const Workload& w, const TrainingOptions& t,
                                  const Hardware* hw, std::optional<double> step_time_s);

}  // namespace calflops
