// Normalisations over n = attr elements (the last dimension for builders; any axes for graph
// inputs): softmax, LayerNorm (also GroupNorm and InstanceNorm), RMSNorm, BatchNorm, LRN.
#include <algorithm>

#include "ops/op_formulas.h"

namespace calflops {
namespace normalization {
namespace {

using namespace formulas;  // NOLINT

/// Rows of n elements. A zero-size row (LayerNormalization over an axis of size 0) means an empty
/// tensor: no rows, never a division by zero.
Count Rows(const Op& op) {
  return op.attr <= 0 ? Count(0) : op.in[0].numel() / Count::FromSigned(op.attr);
}
Count N(const Op& op) { return Count::FromSigned(std::max<int64_t>(op.attr, 0)); }
/// An empty tensor or zero-size rows: nothing to compute (and "5n - 2" must not go below 0).
bool Empty(const Op& op) { return op.attr <= 0 || op.in[0].numel() == Count(0); }

/// Numerically stable softmax per row: max (n-1), subtract (n), exp (n), sum (n-1), divide (n).
OpCost Softmax(const Op& op) {
  if (Empty(op)) return {0, 0};
  return {0, Rows(op) * (5 * N(op) - 2)};
}

/// Per row: mean (n), centre (n), variance (2n), + eps (1), rsqrt (1), scale (n) = 5n + 2;
/// + n for the weight, + n for the bias.
OpCost LayerNorm(const Op& op) {
  if (Empty(op)) return {0, 0};
  Count per_row = 5 * N(op) + 2;
  if (op.attr2 & 1) per_row += N(op);
  if (op.attr2 & 2) per_row += N(op);
  return {0, Rows(op) * per_row};
}

/// Per row: square (n), mean (n), + eps (1), rsqrt (1), scale (n) = 3n + 2; + n for the weight.
OpCost RmsNorm(const Op& op) {
  if (Empty(op)) return {0, 0};
  Count per_row = 3 * N(op) + 2;
  if (op.attr2 & 1) per_row += N(op);
  return {0, Rows(op) * per_row};
}

/// Inference form with running statistics: per channel var + eps and sqrt; per element subtract,
/// divide, scale, shift.
OpCost BatchNorm(const Op& op) { return {0, 4 * op.in[0].numel() + 2 * N(op)}; }

/// Per row: max (n-1), subtract (n), exp (n), sum (n-1), log (1), subtract (n).
OpCost LogSoftmax(const Op& op) {
  if (Empty(op)) return {0, 0};
  return {0, Rows(op) * (5 * N(op) - 1)};
}

/// Per row: |x|^p (n), sum (n - 1), root (1 for p = 2), divide (n).
OpCost LpNorm(const Op& op) {
  if (Empty(op)) return {0, 0};
  return {0, Rows(op) * (3 * N(op) - (op.attr2 == 2 ? 0 : 1))};
}

/// Per element: size squares, size - 1 adds, scale, add bias, pow, divide.
OpCost Lrn(const Op& op) { return {0, op.in[0].numel() * (2 * N(op) + 3)}; }

// ---- backward and bytes moved

/// About the forward's work again (the window sums) plus 2 per element.
OpCost LrnBwd(const Op& op, const GradNeeds& g) {
  return {0, g.input[0] ? op.in[0].numel() * (2 * N(op) + 5) : Count(0)};
}

OpCost SoftmaxBwd(const Op& op, const GradNeeds& g) {
  if (!g.input[0]) return {0, 0};
  if (N(op) == Count(0)) return {0, 0};
  return {0, Rows(op) * (4 * N(op) - 1)};  // y * (dY - sum(dY * y)): mul, sum, sub, mul
}

OpCost LayerNormBwd(const Op& op, const GradNeeds& g) {
  Count f, rows = Rows(op), n = N(op);
  if (g.input[0]) f += rows * (10 * n + 4);
  if (g.weight && (op.attr2 & 1)) f += rows * 2 * n;  // dW = sum over rows of dY * x_hat
  if (g.weight && (op.attr2 & 2)) f += rows * n;      // db = sum over rows of dY
  return {0, f};
}

SavedSet LayerNormSaved(const Op& op, const GradNeeds& g) {
  if (!g.any()) return {};
  return {.inputs = 1, .f32_extra = 2 * Rows(op)};  // x, mean, rstd
}

OpTraffic NormBytes(const Op& op) {
  OpTraffic t = ReadAll(op);
  Count n = Count::FromSigned(op.attr);
  if (op.attr2 & 1) t.weight_read += n;
  if (op.kind == OpKind::kLayerNorm && (op.attr2 & 2)) t.weight_read += n;
  return t;
}

OpCost RmsNormBwd(const Op& op, const GradNeeds& g) {
  Count f, rows = Rows(op), n = N(op);
  if (g.input[0]) f += rows * (7 * n + 2);
  if (g.weight && (op.attr2 & 1)) f += rows * 2 * n;
  return {0, f};
}

SavedSet RmsNormSaved(const Op& op, const GradNeeds& g) {
  if (!g.any()) return {};
  return {.inputs = 1, .f32_extra = Rows(op)};  // x, rstd
}

/// dX = dY * scale / sqrt(var + eps): n; dW = sum(dY * x_hat): 3n; db = sum(dY): n.
OpCost BatchNormBwd(const Op& op, const GradNeeds& g) {
  return {0, (g.input[0] ? OutElems(op) : Count(0)) + (g.weight ? 4 * OutElems(op) : Count(0))};
}

OpTraffic BatchNormBytes(const Op& op) {
  // Scale, bias, running mean and variance: 4 per channel.
  return {.act_read = InElems(op, 0),
          .weight_read = 4 * Count::FromSigned(op.attr),
          .act_write = op.out.numel()};
}

/// F.layer_norm (also F.group_norm, F.instance_norm): 5 per element, 4 without weight.
OpCost LayerNormCalflops(const Op& op) { return {0, op.in[0].numel() * ((op.attr2 & 1) ? 5 : 4)}; }
/// F.batch_norm in eval mode with weight: 2 per element.
OpCost BatchNormCalflops(const Op& op) { return {0, 2 * op.in[0].numel()}; }

constexpr OpDef kDefs[] = {
    {.kind = OpKind::kSoftmax,
     .name = "Softmax",
     .formula = "FLOPs = rows x (5n - 2): max, subtract, exp, sum, divide",
     .analytic = Softmax,
     .traffic = {kReadAll, ReadAll},
     .grad = {"y * (dY - sum(dY * y)): rows x (4n - 1)", SoftmaxBwd, kSaveOut, SaveOutput},
     .calflops = {"functional: FLOPs = input elements; otherwise 0", IfFunctional<InputElements>}},
    {.kind = OpKind::kLayerNorm,
     .name = "LayerNorm",
     .formula = "FLOPs = rows x (5n + 2) + rows x n for the weight + rows x n for the bias",
     .analytic = LayerNorm,
     .traffic = {"reads the input and n weights (+ n bias), writes the output", NormBytes},
     .grad = {"dX: rows x (10n + 4) (x_hat 2n, dY*w n, two row sums 3n, combine 4n); dW: rows x "
              "2n; db: "
              "rows x n",
              LayerNormBwd, "the input, and mean and rstd per row (float32)", LayerNormSaved},
     .calflops = {"F.layer_norm (also group_norm, instance_norm): FLOPs = 5 x input elements, 4 "
                  "without weight",
                  IfFunctional<LayerNormCalflops>}},
    {.kind = OpKind::kRmsNorm,
     .name = "RmsNorm",
     .formula = "FLOPs = rows x (3n + 2) + rows x n for the weight",
     .analytic = RmsNorm,
     .traffic = {"reads the input and n weights, writes the output", NormBytes},
     .grad = {"dX: rows x (7n + 2) (x_hat n, dY*w n, row sum 2n, combine 3n); dW: rows x 2n",
              RmsNormBwd, "the input and rstd per row (float32)", RmsNormSaved},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kBatchNorm,
     .name = "BatchNorm",
     .formula = "(x - mean) / sqrt(var + eps) x scale + bias: FLOPs = 4 x elements + 2 x channels",
     .analytic = BatchNorm,
     .traffic = {"reads the input and 4 statistics per channel, writes the output", BatchNormBytes},
     .grad = {"dX = dY * scale / std: n; dW = sum(dY x_hat): 3n; db: n", BatchNormBwd, kSaveIn,
              SaveInput},
     .calflops = {"F.batch_norm (eval, with weight): FLOPs = 2 x input elements",
                  IfFunctional<BatchNormCalflops>}},
    {.kind = OpKind::kLogSoftmax,
     .name = "LogSoftmax",
     .formula = "FLOPs = rows x (5n - 1): max, subtract, exp, sum, log, subtract",
     .analytic = LogSoftmax,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY - exp(y) * sum(dY): rows x 3n", PerInputBackward<3>, kSaveOut, SaveOutput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kLpNorm,
     .name = "LpNorm",
     .formula = "x / ||x||_p per row: FLOPs = rows x 3n (rows x (3n - 1) for p = 1)",
     .analytic = LpNorm,
     .traffic = {kReadAll, ReadAll},
     .grad = {"(dY - y sum(dY y)) / norm: rows x 5n", PerInputBackward<5>,
              "the input and the output", SaveInputAndOutput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kLrn,
     .name = "Lrn",
     .formula =
         "x / (bias + alpha / size x sum of size squares)^beta: FLOPs = elements x (2 size + 3)",
     .analytic = Lrn,
     .traffic = {kReadAll, ReadAll},
     .grad = {"about the forward's cost again plus 2 per element: elements x (2 size + 5)", LrnBwd,
              "the input and the output", SaveInputAndOutput},
     .calflops = {kUnseen, Unseen}},
};

}  // namespace
}  // namespace normalization

std::span<const OpDef> NormalizationOps() { return normalization::kDefs; }

}  // namespace calflops
