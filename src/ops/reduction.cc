// Reductions: in[0] -> out over any axes (builders reduce trailing dimensions).
#include "ops/op_def.h"

namespace calflops {
namespace {

/// a - b, or 0: a reduction over an empty axis has more outputs than inputs (ReduceSum of a
/// (4, 0) tensor gives four zeros) and costs nothing.
Count Minus(Count a, Count b) { return a > b ? a - b : Count(0); }

/// Mean of n values: n - 1 adds and one divide = n FLOPs per output, so input elements in all.
OpCost Mean(const Op& op) { return {0, op.in[0].numel()}; }

/// Sum of n values: n - 1 adds per output.
OpCost Sum(const Op& op) { return {0, Minus(op.in[0].numel(), op.out.numel())}; }

Count In(const Op& op) { return op.in[0].numel(); }
Count Out(const Op& op) { return op.out.numel(); }

/// n - 1 compares (or multiplies) per output.
OpCost PairwisePerOutput(const Op& op) { return {0, Minus(In(op), Out(op))}; }
/// One elementwise op per input, then n - 1 adds per output.
OpCost MapThenSum(const Op& op) { return {0, Minus(2 * In(op), Out(op))}; }
/// ReduceL2: square, add, sqrt per output.
OpCost L2(const Op& op) { return {0, 2 * In(op)}; }
/// ReduceLogSum: n - 1 adds and one log per output.
OpCost LogSum(const Op& op) { return {0, In(op)}; }
/// ReduceLogSumExp: exp per input, n - 1 adds and one log per output.
OpCost LogSumExp(const Op& op) { return {0, 2 * In(op)}; }
/// Running sum along an axis of length n = attr: n - 1 adds per row.
OpCost CumSum(const Op& op) {
  Count n = Count::FromSigned(op.attr);
  return {0, n == Count(0) ? Count(0) : In(op) / n * (n - 1)};
}

/// Partial selection: pass j (j = 0 .. k-1) finds the largest of the n - j values left with
/// n - j - 1 comparisons, so k (2n - k - 1) / 2 comparisons per row.
OpCost TopK(const Op& op) {
  Count n = Count::FromSigned(op.in[0].back());
  Count k = Count::FromSigned(op.attr);
  Count rows = op.in[0].leading(1);
  if (k == Count(0) || k > n) return {0, 0};  // k > n: no such selection (an empty axis)
  return {0, rows * (k * (2 * n - k - 1) / 2)};
}

constexpr OpDef kDefs[] = {
    {OpKind::kMean, "Mean", "FLOPs = input elements (n - 1 adds + 1 divide per output)", Mean},
    {OpKind::kSum, "Sum", "FLOPs = input elements - output elements", Sum},
    {OpKind::kReduceMax, "ReduceMax",
     "max, min, argmax, argmin: FLOPs = input elements - output elements (compares)",
     PairwisePerOutput},
    {OpKind::kProd, "Prod", "FLOPs = input elements - output elements (multiplies)",
     PairwisePerOutput},
    {OpKind::kReduceL1, "ReduceL1", "sum |x|: FLOPs = 2 x input elements - output elements",
     MapThenSum},
    {OpKind::kReduceL2, "ReduceL2", "sqrt(sum x^2): FLOPs = 2 x input elements", L2},
    {OpKind::kReduceSumSquare, "ReduceSumSquare",
     "sum x^2: FLOPs = 2 x input elements - output elements", MapThenSum},
    {OpKind::kReduceLogSum, "ReduceLogSum", "log(sum x): FLOPs = input elements", LogSum},
    {OpKind::kReduceLogSumExp, "ReduceLogSumExp", "log(sum exp(x)): FLOPs = 2 x input elements",
     LogSumExp},
    {OpKind::kCumSum, "CumSum", "running sum along an axis of length n: FLOPs = rows x (n - 1)",
     CumSum},
    {OpKind::kTopK, "TopK",
     "FLOPs = rows x k (2n - k - 1) / 2 comparisons (partial selection: pass j compares the "
     "n - j values left)",
     TopK},
};

}  // namespace

std::span<const OpDef> ReductionOps() { return kDefs; }

}  // namespace calflops
