// Counting conventions: which ops count and how much. `analytic` prices every op by the cost
// table (src/ops/); `calflops` reproduces calflops 0.3.x under PyTorch 2 (see
// docs/conventions.md), misses and all.
#pragma once

#include <optional>
#include <string_view>

#include "calflops/types.h"
#include "ops/op_def.h"

namespace calflops {

std::string_view ConventionName(Convention c);

/// The cost of one op under a convention.
OpCost CostOf(const Op& op, Convention c);

/// calflops' rules: what its patched functions and operator hooks would record for this op.
OpCost CalflopsCost(const Op& op);

}  // namespace calflops
