// Reductions over trailing dimensions.
#include "ops/op_def.h"

namespace calflops {
namespace {

/// Mean of n values: n - 1 adds and one divide = n FLOPs per output, so input elements in all.
OpCost Mean(const Op& op) { return {0, op.in[0].numel()}; }

/// Sum of n values: n - 1 adds per output.
OpCost Sum(const Op& op) { return {0, op.in[0].numel() - op.out.numel()}; }

constexpr OpDef kDefs[] = {
    {OpKind::kMean, "Mean", "FLOPs = input elements (n - 1 adds + 1 divide per output)", Mean},
    {OpKind::kSum, "Sum", "FLOPs = input elements - output elements", Sum},
};

}  // namespace

std::span<const OpDef> ReductionOps() { return kDefs; }

}  // namespace calflops
