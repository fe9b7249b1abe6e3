// --explain PATH: why one module's figures are what they are. Traces the workload's calls again
// and keeps, for the module and its descendants, every op with its shapes, the formula of its
// kind (the cost table's doc string, or calflops' rule under --convention calflops) and its cost.
// A run of decode steps is explained by its first and last calls: costs are affine in between
// (the profile sums them the same way, call_folding.h).
#pragma once

#include <string>
#include <vector>

#include "analysis/analyze.h"

namespace calflops {

/// Most ops listed per call (a whole model's root has tens of thousands); totals stay exact.
inline constexpr size_t kMaxExplainedOps = 4096;

struct ExplainedOp {
  ModuleId module = 0;  ///< the module that ran it (the explained one or a descendant)
  Op op;
  int64_t times = 1;  ///< executions in this call (loop bodies)
  OpCost cost;        ///< of one execution, under the convention
};

struct ExplainedCall {
  std::string label;             ///< "forward", "prefill", "decode"
  int64_t index = 0;             ///< 0-based index of the call in the workload
  int64_t run_calls = 1;         ///< calls in its run (a decode run lists its first and last)
  int64_t tokens = 0;            ///< new tokens through the model
  int64_t context = 0;           ///< tokens attended to (cache + new)
  std::vector<ExplainedOp> ops;  ///< at most kMaxExplainedOps
  size_t ops_left_out = 0;
  OpCost total;  ///< of every op of the call under the module, listed or not
};

struct Explanation {
  ModuleId module = 0;
  Convention convention = Convention::kAnalytic;
  std::vector<ExplainedCall> calls{};
  OpCost total{};  ///< over every call of the workload (runs summed as affine series)
};

/// Explains module `target` (a valid id of `arch.tree()`).
Explanation Explain(const Architecture& arch, const Workload& w, Convention c, ModuleId target);

/// "Linear", "Attention": the op kind's name.
std::string_view OpName(const Op& op);
/// The formula the convention prices this op by.
std::string_view OpFormula(const Op& op, Convention c);
/// The op's operands: "(1, 128, 4096) x (4096, 4096) -> (1, 128, 4096)"; for a linear layer or a
/// matmul also the product written out: "128 rows x 4096 x 4096".
std::string OpShapes(const Op& op);

}  // namespace calflops
