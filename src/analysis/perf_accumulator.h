// The second sink of a traced workload (beside CostAccumulator): for every op, the bytes it moves
// (ops/traffic.h) and, with a hardware profile, its roofline time; for every call, the live
// activation bytes over time; in training, which tensors need gradients, the backward FLOPs
// (ops/autograd.h) and the tensors kept for backward under each recomputation policy.
//
// Tensor identity comes from the tensor ids the Tracer stamps on shapes (model/tracer.h): an
// input whose id names an output of an earlier op in the same call is that tensor; any other
// input is a tensor of unknown origin, live only while its op runs and, in training, assumed to
// need a gradient once anything does (the model's raw inputs, read before any parameter, do not).
#pragma once

#include <vector>

#include "analysis/hardware.h"
#include "analysis/perf_profile.h"
#include "model/op.h"

namespace calflops {

class TensorProducers;

struct PerfOptions {
  const Hardware* hardware = nullptr;  ///< roofline times when set
  bool kv_cache = false;  ///< generate: attention's K and V inputs are the KV cache, held apart
  bool train = false;     ///< requires-grad, backward FLOPs and saved tensors
};

class PerfAccumulator : public OpSink {
 public:
  PerfAccumulator(const ModuleTree& tree, const PerfOptions& options);
  void Emit(ModuleId module, const Op& op) override;

  /// Closes the current call, `times` identical calls, and returns its per-call figures.
  CallPerf Commit(int64_t times);
  /// Aggregates per-module figures bottom-up into `perf.modules`; fills train totals.
  void Finish(PerfProfile& perf) const;

 private:
  void ProcessTraining(const TensorProducers& producers);

  const ModuleTree& tree_;
  PerfOptions options_;
  std::vector<int> weight_bytes_;      ///< per module: bytes of its first parameter's dtype
  std::vector<uint8_t> trainable_;     ///< per module: owns a trainable parameter
  std::vector<ModuleId> block_;        ///< per module: checkpointed block it lies in, or -1
  std::vector<ModulePerf> own_;        ///< committed own figures (not aggregated)
  std::vector<ModuleId> modules_;      ///< the current call: module of each op
  std::vector<Op> ops_;                ///< the current call: its ops
  TrainPerf train_;
  bool has_train_ = false;
};

}  // namespace calflops
