// A profile: the module tree with per-module parameters, MACs and FLOPs, accumulated over every
// forward call of a workload and aggregated bottom-up.
#pragma once

#include <string>
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

/// Totals of one planned forward call (prefill, a decode step, ...).
struct CallStats {
  std::string label;   ///< "prefill", "decode 1", ...
  int64_t repeat = 1;  ///< identical calls folded into this entry
  int64_t tokens = 0;  ///< new tokens through the language model in this call
  int64_t context = 0; ///< tokens attended to (cache + new)
  int64_t images = 0;  ///< images per sequence encoded in this call
  Count macs;          ///< per call (multiply by repeat for the total)
  Count flops;
};

struct Profile {
  ModuleTree tree;
  Convention convention = Convention::kAnalytic;
  std::vector<ModuleStats> stats;  ///< indexed by ModuleId
  std::vector<CallStats> calls;
  PerfProfile perf;                   ///< bytes, roofline, activations, backward
  std::vector<KvCacheSpec> kv_cache;  ///< generate: what each layer caches (Architecture::KvCache)
  DType activation_dtype = DType::kF32;
  /// Ops counted as 0 because the cost table cannot price them (graph inputs only).
  std::vector<UncostedOp> uncosted;
  const ModuleStats& total() const { return stats[0]; }
};

/// An OpSink that prices ops as they arrive and keeps each module's own counts.
class CostAccumulator : public OpSink {
 public:
  CostAccumulator(size_t n_modules, Convention c) : own_(n_modules), convention_(c) {}
  void Emit(ModuleId module, const Op& op) override;
  void EmitRepeated(ModuleId module, const Op& op, int64_t times) override;

  /// Adds the counts of everything emitted since the last call, `times` over, to the totals and
  /// returns the per-call sum.
  OpCost Commit(int64_t times);
  /// Aggregates own counts bottom-up into `profile.stats` (params included).
  void Finish(Profile& profile) const;

 private:
  std::vector<OpCost> own_;      ///< committed per-module totals
  std::vector<OpCost> pending_;  ///< current call, per module
  std::vector<ModuleId> touched_;      ///< modules with pending counts, each listed once
  std::vector<uint8_t> is_touched_;
  void Add(ModuleId module, const OpCost& c);
  Convention convention_;
};

}  // namespace calflops
