// How a training step is run, for the training memory and FLOPs (--mode train).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace calflops {

/// Activation recomputation (--recompute): what is kept for backward.
enum class Recompute : uint8_t {
  kNone,       ///< every tensor autograd saves
  kSelective,  ///< op-level selective checkpointing: contraction outputs and block inputs kept,
               ///< pointwise work inside blocks recomputed
  kFull,       ///< only each block's inputs kept; blocks re-run their forward in backward
};

enum class Optimizer : uint8_t {
  kAdamW,      ///< two float32 moments per parameter
  kSgd,        ///< one float32 momentum buffer per parameter
  kAdafactor,  ///< factored second moment: rows + columns per matrix, no first moment
};

struct TrainingOptions {
  Recompute recompute = Recompute::kNone;
  Optimizer optimizer = Optimizer::kAdamW;
  int zero = 0;    ///< ZeRO stage: 1 shards optimizer state, 2 also gradients, 3 also weights
  int64_t dp = 1;  ///< data-parallel ranks sharing the shards
  /// Float32 master weights kept by the optimizer: default when parameters are narrower.
  std::optional<bool> master_weights{};
};

std::string_view RecomputeName(Recompute r);
std::optional<Recompute> ParseRecompute(std::string_view s);
std::string_view OptimizerName(Optimizer o);
std::optional<Optimizer> ParseOptimizer(std::string_view s);

}  // namespace calflops
