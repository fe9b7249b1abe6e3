// What the analysis measures beyond MACs and FLOPs: bytes moved, roofline time, live and saved
// activation bytes, backward FLOPs. Filled by PerfAccumulator alongside the cost accumulator;
// memory.h, latency.h and training.h turn it into estimates.
#pragma once

#include <cstdint>
#include <vector>

#include "model/count.h"
#include "model/module_tree.h"

namespace calflops {

struct Hardware;

/// Roofline time of a set of ops: each op takes max(FLOPs / peak, bytes / bandwidth).
struct RooflineTime {
  double compute_s = 0;        ///< sum of FLOPs / peak
  double memory_s = 0;         ///< sum of bytes / bandwidth
  double time_s = 0;           ///< sum of per-op max
  double compute_bound_s = 0;  ///< the part of time_s spent in compute-bound ops
  RooflineTime& operator+=(const RooflineTime& o) {
    compute_s += o.compute_s;
    memory_s += o.memory_s;
    time_s += o.time_s;
    compute_bound_s += o.compute_bound_s;
    return *this;
  }
  RooflineTime Times(double n) const {
    return {compute_s * n, memory_s * n, time_s * n, compute_bound_s * n};
  }
  /// "compute" when compute-bound ops take most of the time, else "memory".
  const char* Bound() const { return compute_bound_s * 2 > time_s ? "compute" : "memory"; }
};

/// Bytes moved, by kind of tensor.
struct Traffic {
  Count activation_read{};
  Count weight_read{};
  Count kv_read{};
  Count written{};
  Count total() const { return activation_read + weight_read + kv_read + written; }
  Traffic& operator+=(const Traffic& o) {
    activation_read += o.activation_read;
    weight_read += o.weight_read;
    kv_read += o.kv_read;
    written += o.written;
    return *this;
  }
  Traffic Times(Count n) const {
    return {activation_read * n, weight_read * n, kv_read * n, written * n};
  }
};

/// Per module, over every call of the workload (subtree totals after aggregation).
struct ModulePerf {
  Traffic traffic;
  Count flops{};  ///< analytic forward FLOPs (for intensity and time, whatever the convention)
  RooflineTime roofline;
  Count activation_peak{};  ///< inference: most live activation bytes while one of its ops runs
  // training (--mode train)
  Count backward_macs{};
  Count backward_flops{};
  Count saved_bytes{};  ///< tensors its ops keep for backward (no recomputation), each counted once
};

/// One forward call.
struct CallPerf {
  Traffic traffic;
  Count flops{};  ///< analytic
  RooflineTime roofline;
  Count activation_peak{};  ///< most live activation bytes at any point of the call
};

/// One planned run of calls (parallel to Profile::calls).
struct RunPerf {
  CallPerf first;  ///< the run's first call
  CallPerf last;   ///< its last call (the same as first for a run of identical calls)
  CallPerf total;  ///< summed over the run's calls; activation_peak: the largest of them
};

/// Training totals for one step (--mode train): forward, backward, recomputation, saved bytes.
struct TrainPerf {
  Count forward_flops{};  ///< analytic
  Count backward_macs{};
  Count backward_flops{};
  /// Saved-for-backward bytes and recomputed FLOPs per --recompute policy (none, selective, full).
  Count saved_bytes[3];
  Count recompute_flops[3];
  /// Extra bytes live during backward when one checkpointed block is recomputed.
  Count recompute_peak[3];
  RooflineTime backward_roofline;  ///< backward time, each op at its forward bound ratio
};

/// Everything the perf accumulator measured.
struct PerfProfile {
  std::vector<ModulePerf> modules;  ///< indexed by ModuleId, subtree totals
  std::vector<RunPerf> calls;       ///< per run of calls, parallel to Profile::calls
  TrainPerf train;
  bool has_roofline = false;
  bool has_train = false;
};

}  // namespace calflops
