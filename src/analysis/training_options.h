// How a training step is run, for the training memory and FLOPs (--mode train).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "calflops/types.h"

namespace calflops {

struct TrainingOptions {
  Recompute recompute = Recompute::kNone;
  Optimizer optimizer = Optimizer::kAdamW;
  int zero = 0;    ///< ZeRO stage: 1 shards optimizer state, 2 also gradients, 3 also weights
  int64_t dp = 1;  ///< data-parallel ranks sharing the shards
  /// Float32 master weights kept by the optimizer: default when parameters are narrower.
  std::optional<bool> master_weights{};
};

std::string_view RecomputeName(Recompute r);
std::string_view OptimizerName(Optimizer o);

}  // namespace calflops
