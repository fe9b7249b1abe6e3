// Everything estimated beyond the counts, handed to the report writers together: memory always,
// latency with a hardware profile, the training step in --mode train.
#pragma once

#include <optional>

#include "model/hardware.h"
#include "analysis/latency.h"
#include "analysis/memory.h"
#include "analysis/training.h"
#include "analysis/training_options.h"

namespace calflops {

struct Estimates {
  MemoryEstimate memory;
  const Hardware* hardware = nullptr;
  std::optional<LatencyEstimate> latency;
  std::optional<TrainingEstimate> training;
  TrainingOptions training_options;
};

/// Computes the estimates for an analysed profile.
Estimates Estimate(const Profile& p, const Workload& w, const TrainingOptions& t,
                   const Hardware* hw, std::optional<double> step_time_s);

}  // namespace calflops
