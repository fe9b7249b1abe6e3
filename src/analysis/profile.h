// A profile: the module tree with per-module parameters, MACs and FLOPs, accumulated over every
// forward call of a workload and aggregated bottom-up.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "analysis/convention.h"
#include "analysis/perf_profile.h"
#include "model/kv_cache.h"
#include "model/module_tree.h"

namespace calflops {

struct ModuleStats {
  Count params;  ///< trainable parameters of the subtree, ties counted once
  Count macs;    ///< own + descendants
  Count flops;   ///< own + descendants
};

/// Totals of one planned run of forward calls (a prefill, the decode steps of a generation, ...).
/// Costs are affine in the call's position within the run, so its first and last calls give any
/// call of it exactly.
struct CallStats {
  std::string label;         ///< "prefill", "decode", ...
  int64_t repeat = 1;        ///< calls in this run
  int64_t tokens = 0;        ///< new tokens through the language model in each call
  int64_t context = 0;       ///< tokens attended to (cache + new) in the first call
  int64_t context_step = 0;  ///< context growth from one call to the next
  int64_t images = 0;        ///< images per sequence encoded in each call
  Count macs;                ///< first call of the run
  Count flops;
  Count last_macs;  ///< last call of the run
  Count last_flops;

  /// Call i (0 <= i < repeat) of the run, as a run of one.
  CallStats At(int64_t i) const;
  /// Tokens attended to in the run's last call.
  int64_t LastContext() const { return context + (repeat - 1) * context_step; }
};

struct Profile {
  ModuleTree tree;
  Convention convention = Convention::kAnalytic;
  std::vector<ModuleStats> stats;     ///< indexed by ModuleId
  std::vector<CallStats> calls;       ///< runs of calls, in execution order
  PerfProfile perf;                   ///< bytes, roofline, activations, backward
  std::vector<KvCacheSpec> kv_cache;  ///< generate: what each layer caches (Architecture::KvCache)
  DType activation_dtype = DType::kF32;
  /// Ops counted as 0 because the cost table cannot price them (graph inputs only).
  std::vector<UncostedOp> uncosted;
  const ModuleStats& total() const { return stats[0]; }
  /// Forward calls the workload makes (the runs' repeats summed).
  int64_t CallCount() const;
  /// The i-th forward call (0-based, execution order).
  CallStats Call(int64_t i) const;
};

/// Per-module own costs of one traced call: (module, cost) sorted by module, zero costs omitted.
using CallCosts = std::vector<std::pair<ModuleId, OpCost>>;

/// The sum of the costs of one call.
OpCost TotalOf(const CallCosts& costs);

/// An OpSink that prices ops as they arrive and keeps each module's own counts.
class CostAccumulator : public OpSink {
 public:
  CostAccumulator(size_t n_modules, Convention c) : own_(n_modules), convention_(c) {}
  void Emit(ModuleId module, const Op& op) override;
  void EmitRepeated(ModuleId module, const Op& op, int64_t times) override;

  /// The costs of everything emitted since the last take, per module; clears them.
  CallCosts TakeCall();
  /// Adds `costs`, `times` over, to the module totals.
  void Add(const CallCosts& costs, Count times = 1);
  /// TakeCall, then Add `times` over; returns the per-call sum.
  OpCost Commit(int64_t times);
  /// Aggregates own counts bottom-up into `profile.stats` (params included).
  void Finish(Profile& profile) const;

 private:
  std::vector<OpCost> own_;        ///< committed per-module totals
  std::vector<OpCost> pending_;    ///< current call, per module
  std::vector<ModuleId> touched_;  ///< modules with pending counts, each listed once
  std::vector<uint8_t> is_touched_;
  void AddPending(ModuleId module, const OpCost& c);
  Convention convention_;
};

}  // namespace calflops
