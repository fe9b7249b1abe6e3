// Training state besides the weights: gradients, optimizer moments and float32 master weights,
// per data-parallel rank under ZeRO sharding.
#pragma once

#include "analysis/training_options.h"
#include "model/count.h"
#include "model/module_tree.h"

namespace calflops {

struct TrainingState {
  Count weights;         ///< per rank (ZeRO-3 shards them)
  Count gradients;       ///< per rank, at the parameter dtype (ZeRO-2 shards them)
  Count optimizer;       ///< per rank, float32 moments (ZeRO-1 shards them)
  Count master_weights;  ///< per rank, float32 copy (sharded with the optimizer state)
  Count total() const { return weights + gradients + optimizer + master_weights; }
};

/// Optimizer-state float32 elements of one parameter tensor: AdamW 2 x numel, SGD (momentum)
/// numel, Adafactor numel / cols + numel / rows for a matrix (row and column statistics of the
/// last two dimensions) and numel for a vector.
Count OptimizerElements(Optimizer o, const Shape& shape);

/// Gradients, optimizer state and master weights for the trainable parameters of `tree`
/// (ties once); `weight_bytes` is the full weight memory, divided by dp under ZeRO-3.
TrainingState ComputeTrainingState(const ModuleTree& tree, Count weight_bytes,
                                   const TrainingOptions& o);

}  // namespace calflops
