// Reductions: in[0] -> out over any axes (builders reduce trailing dimensions).
#include "ops/op_formulas.h"

namespace calflops {
namespace reduction {
namespace {

using namespace formulas;  // NOLINT

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

// ---- backward and bytes moved

OpCost MeanBwd(const Op& op, const GradNeeds& g) {
  return {0, g.input[0] ? InElems(op, 0) : Count(0)};  // dY / n, broadcast
}

/// The reverse running sum: the forward's cost.
OpCost CumSumBwd(const Op& op, const GradNeeds& g) {
  return g.input[0] ? GetOpDef(OpKind::kCumSum).analytic(op) : OpCost{};
}

OpTraffic TopKBytes(const Op& op) {
  // The k values and their int64 indices.
  return {.act_read = InElems(op, 0), .act_write = op.out.numel(), .index_write = op.out.numel()};
}

constexpr OpDef kDefs[] = {
    {.kind = OpKind::kMean,
     .name = "Mean",
     .formula = "FLOPs = input elements (n - 1 adds + 1 divide per output)",
     .analytic = Mean,
     .traffic = {"reads the input, writes the reduced output", ReadAll},
     .grad = {"dY / n broadcast: input elements", MeanBwd, kSaveNone, SaveNothing},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kSum,
     .name = "Sum",
     .formula = "FLOPs = input elements - output elements",
     .analytic = Sum,
     .traffic = {"reads the input, writes the reduced output", ReadAll},
     .grad = {"0 (dY broadcast)", NoBackward, kSaveNone, SaveNothing},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kReduceMax,
     .name = "ReduceMax",
     .formula = "max, min, argmax, argmin: FLOPs = input elements - output elements (compares)",
     .analytic = PairwisePerOutput,
     .traffic = {"reads the input, writes the reduced output", ReadAll},
     .grad = {"dY scattered to the selected positions: 0", NoBackward,
              "the selected indices (int64)", SaveOutputIndices},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kProd,
     .name = "Prod",
     .formula = "FLOPs = input elements - output elements (multiplies)",
     .analytic = PairwisePerOutput,
     .traffic = {"reads the input, writes the reduced output", ReadAll},
     .grad = {"dY * y / x: 2 x input elements", PerInputBackward<2>, "the input and the output",
              SaveInputAndOutput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kReduceL1,
     .name = "ReduceL1",
     .formula = "sum |x|: FLOPs = 2 x input elements - output elements",
     .analytic = MapThenSum,
     .traffic = {"reads the input, writes the reduced output", ReadAll},
     .grad = {"dY * sign(x): 2 x input elements", PerInputBackward<2>, kSaveIn, SaveInput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kReduceL2,
     .name = "ReduceL2",
     .formula = "sqrt(sum x^2): FLOPs = 2 x input elements",
     .analytic = L2,
     .traffic = {"reads the input, writes the reduced output", ReadAll},
     .grad = {"dY * x / y: 2 x input elements", PerInputBackward<2>, "the input and the output",
              SaveInputAndOutput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kReduceSumSquare,
     .name = "ReduceSumSquare",
     .formula = "sum x^2: FLOPs = 2 x input elements - output elements",
     .analytic = MapThenSum,
     .traffic = {"reads the input, writes the reduced output", ReadAll},
     .grad = {"2 x dY: 2 x input elements", PerInputBackward<2>, kSaveIn, SaveInput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kReduceLogSum,
     .name = "ReduceLogSum",
     .formula = "log(sum x): FLOPs = input elements",
     .analytic = LogSum,
     .traffic = {"reads the input, writes the reduced output", ReadAll},
     .grad = {"dY / sum: input elements", PerInputBackward<1>, kSaveOut, SaveOutput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kReduceLogSumExp,
     .name = "ReduceLogSumExp",
     .formula = "log(sum exp(x)): FLOPs = 2 x input elements",
     .analytic = LogSumExp,
     .traffic = {"reads the input, writes the reduced output", ReadAll},
     .grad = {"dY * exp(x - y): 3 x input elements", PerInputBackward<3>,
              "the input and the output", SaveInputAndOutput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kCumSum,
     .name = "CumSum",
     .formula = "running sum along an axis of length n: FLOPs = rows x (n - 1)",
     .analytic = CumSum,
     .traffic = {kReadAll, ReadAll},
     .grad = {"the reverse running sum: the forward's cost", CumSumBwd, kSaveNone, SaveNothing},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kTopK,
     .name = "TopK",
     .formula =
         "FLOPs = rows x k (2n - k - 1) / 2 comparisons (partial selection: pass j compares the "
         "n - j values left)",
     .analytic = TopK,
     .traffic = {"reads the input, writes the k values and their indices (8 bytes each)",
                 TopKBytes},
     .grad = {"0 (dY scattered back to the selected positions)", NoBackward, "the indices (int64)",
              SaveOutputIndices},
     .calflops = {kUnseen, Unseen}},
};

}  // namespace
}  // namespace reduction

std::span<const OpDef> ReductionOps() { return reduction::kDefs; }

}  // namespace calflops
