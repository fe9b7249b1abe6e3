// Reductions over trailing dimensions.
#include "ops/op_def.h"

namespace calflops {
namespace {

/// Mean of n values: n - 1 adds and one divide = n FLOPs per output, so input elements in all.
OpCost Mean(const Op& op) { return {0, op.in[0].numel()}; }

/// Sum of n values: n - 1 adds per output.
OpCost Sum(const Op& op) { return {0, op.in[0].numel() - op.out.numel()}; }

/// Partial selection: pass j (j = 0 .. k-1) finds the largest of the n - j values left with
/// n - j - 1 comparisons, so k (2n - k - 1) / 2 comparisons per row.
OpCost TopK(const Op& op) {
  Count n = Count::FromSigned(op.in[0].back());
  Count k = Count::FromSigned(op.attr);
  Count rows = op.in[0].leading(1);
  if (k == Count(0)) return {0, 0};
  return {0, rows * (k * (2 * n - k - 1) / 2)};
}

constexpr OpDef kDefs[] = {
    {OpKind::kMean, "Mean", "FLOPs = input elements (n - 1 adds + 1 divide per output)", Mean},
    {OpKind::kSum, "Sum", "FLOPs = input elements - output elements", Sum},
    {OpKind::kTopK, "TopK",
     "FLOPs = rows x k (2n - k - 1) / 2 comparisons (partial selection: pass j compares the "
     "n - j values left)",
     TopK},
};

}  // namespace

std::span<const OpDef> ReductionOps() { return kDefs; }

}  // namespace calflops
