// Normalisations over n = attr elements (the last dimension for builders; any axes for graph
// inputs): softmax, LayerNorm (also GroupNorm and InstanceNorm), RMSNorm, BatchNorm, LRN.
#include <algorithm>

#include "ops/op_def.h"

namespace calflops {
namespace {

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

constexpr OpDef kDefs[] = {
    {OpKind::kSoftmax, "Softmax", "FLOPs = rows x (5n - 2): max, subtract, exp, sum, divide",
     Softmax},
    {OpKind::kLayerNorm, "LayerNorm",
     "FLOPs = rows x (5n + 2) + rows x n for the weight + rows x n for the bias", LayerNorm},
    {OpKind::kRmsNorm, "RmsNorm", "FLOPs = rows x (3n + 2) + rows x n for the weight", RmsNorm},
    {OpKind::kBatchNorm, "BatchNorm",
     "(x - mean) / sqrt(var + eps) x scale + bias: FLOPs = 4 x elements + 2 x channels", BatchNorm},
    {OpKind::kLogSoftmax, "LogSoftmax",
     "FLOPs = rows x (5n - 1): max, subtract, exp, sum, log, subtract", LogSoftmax},
    {OpKind::kLpNorm, "LpNorm", "x / ||x||_p per row: FLOPs = rows x 3n (rows x (3n - 1) for p = 1)",
     LpNorm},
    {OpKind::kLrn, "Lrn",
     "x / (bias + alpha / size x sum of size squares)^beta: FLOPs = elements x (2 size + 3)", Lrn},
};

}  // namespace

std::span<const OpDef> NormalizationOps() { return kDefs; }

}  // namespace calflops
