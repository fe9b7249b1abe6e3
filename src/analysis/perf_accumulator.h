// The second sink of a traced workload (beside CostAccumulator): for every op, the bytes it moves
// (OpDef::traffic, ops/op_def.h) and, with a hardware profile, its roofline time; for every call,
// the live activation bytes over time; in training, which tensors need gradients, the backward
// FLOPs (OpDef::grad) and the tensors kept for backward under each recomputation policy.
//
// Tensor identity comes from the tensor ids the Tracer stamps on shapes (model/tracer.h): an
// input whose id names an output of an earlier op in the same call is that tensor; any other
// input is a tensor of unknown origin, live only while its op runs and, in training, assumed to
// need a gradient once anything does (the model's raw inputs, read before any parameter, do not).
#pragma once

#include <utility>
#include <vector>

#include "analysis/perf_profile.h"
#include "model/hardware.h"
#include "model/op.h"

namespace calflops {

class TensorProducers;

/// One op as the roofline and the liveness scan see it (PerfAccumulator::RecordOps).
struct OpPerf {
  Count flops{};  ///< analytic, over its executions
  Count bytes{};  ///< moved, over its executions
  Count live{};   ///< live activation bytes while it runs
  DType dtype = DType::kF32;
};

/// max(FLOPs / peak, bytes / bandwidth) of one op: the formula every roofline figure sums.
RooflineTime Roofline(const Hardware& hw, DType dtype, Count flops, Count bytes);

struct PerfOptions {
  const Hardware* hardware = nullptr;  ///< roofline times when set
  bool kv_cache = false;  ///< generate: attention's K and V inputs are the KV cache, held apart
  bool train = false;     ///< requires-grad, backward FLOPs and saved tensors
};

class PerfAccumulator : public OpSink {
 public:
  PerfAccumulator(const ModuleTree& tree, const PerfOptions& options);
  void Emit(ModuleId module, const Op& op) override { EmitRepeated(module, op, 1); }
  /// A loop body's op run `times` times, in closed form: bytes, FLOPs, time and (training)
  /// backward and saved bytes scale by `times`; liveness sees one execution (the body's tensors
  /// of one iteration are live at a time).
  void EmitRepeated(ModuleId module, const Op& op, int64_t times) override;

  /// The figures of one traced call: per module (touched ones, by id) and in total.
  struct Call {
    std::vector<std::pair<ModuleId, ModulePerf>> modules;  ///< traffic, flops, roofline, peak
    CallPerf total;
  };
  /// Closes the current call and returns its figures without adding them (training: processes
  /// its backward into the totals).
  Call TakeCall();
  /// Adds a call's figures `times` over (a summed run: once, with peaks already maxed).
  void Add(const Call& call, Count times = 1);
  /// TakeCall, then Add `times` over; returns the per-call figures.
  CallPerf Commit(int64_t times);
  /// Aggregates per-module figures bottom-up into `perf.modules`; fills train totals.
  void Finish(PerfProfile& perf) const;
  /// Appends every op's figures to `log` from now on, in emission order (their `live` filled when
  /// the call is taken); nullptr stops. For the sweep's per-op polynomials (sweep_polynomial.h).
  void RecordOps(std::vector<OpPerf>* log) { log_ = log; }

 private:
  /// What liveness needs of one op, computed once when it arrives.
  struct Rec {
    ModuleId module;
    uint8_t n_in;
    uint8_t live_inputs;  ///< bit k: in[k] is an activation held in memory (not a weight or cache)
    uint64_t in_id[3];
    Count in_bytes[3];
    uint64_t out_id;
    Count out_bytes;
  };
  void ProcessTraining(const TensorProducers& producers);

  const ModuleTree& tree_;
  PerfOptions options_;
  /// Bytes of `elements` weight elements read by an op of module `m` (OpDef::traffic counts
  /// elements); `fallback` bytes each for a module without parameters.
  Count WeightBytes(size_t m, Count elements, int fallback) const;

  /// Per module, weight bytes per element as a fraction: the bytes of its first parameter's
  /// dtype over 1, or, when a weight file priced its parameters (Param::stored_bytes), the
  /// bytes of its own parameters over their elements (4.5 bits for Q4_K: 9 / 16). 0 / 0 when it
  /// has no parameters.
  std::vector<Count> weight_bytes_;
  std::vector<Count> weight_elements_;
  std::vector<uint8_t> trainable_;   ///< per module: owns a trainable parameter
  std::vector<ModuleId> block_;      ///< per module: checkpointed block it lies in, or -1
  std::vector<ModulePerf> own_;      ///< committed own figures (not aggregated)
  std::vector<Rec> recs_;            ///< the current call, one record per op
  std::vector<Op> ops_;              ///< the current call's ops, kept in training only
  std::vector<Count> times_;         ///< with ops_: executions of each (loop bodies: > 1)
  std::vector<ModulePerf> pending_;  ///< the current call's per-module figures
  std::vector<ModuleId> touched_;    ///< modules with pending figures, each once
  std::vector<uint8_t> is_touched_;
  CallPerf call_;  ///< the current call's totals
  std::vector<OpPerf>* log_ = nullptr;
  TrainPerf train_;
  bool has_train_ = false;
};

}  // namespace calflops
