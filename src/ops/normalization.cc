// Normalisations along the last dimension (size n = attr): softmax, LayerNorm, RMSNorm.
#include "ops/op_def.h"

namespace calflops {
namespace {

Count Rows(const Op& op) { return op.in[0].numel() / Count::FromSigned(op.attr); }
Count N(const Op& op) { return Count::FromSigned(op.attr); }

/// Numerically stable softmax per row: max (n-1), subtract (n), exp (n), sum (n-1), divide (n).
OpCost Softmax(const Op& op) { return {0, Rows(op) * (5 * N(op) - 2)}; }

/// Per row: mean (n), centre (n), variance (2n), + eps (1), rsqrt (1), scale (n) = 5n + 2;
/// + n for the weight, + n for the bias.
OpCost LayerNorm(const Op& op) {
  Count per_row = 5 * N(op) + 2;
  if (op.attr2 & 1) per_row += N(op);
  if (op.attr2 & 2) per_row += N(op);
  return {0, Rows(op) * per_row};
}

/// Per row: square (n), mean (n), + eps (1), rsqrt (1), scale (n) = 3n + 2; + n for the weight.
OpCost RmsNorm(const Op& op) {
  Count per_row = 3 * N(op) + 2;
  if (op.attr2 & 1) per_row += N(op);
  return {0, Rows(op) * per_row};
}

constexpr OpDef kDefs[] = {
    {OpKind::kSoftmax, "Softmax", "FLOPs = rows x (5n - 2): max, subtract, exp, sum, divide",
     Softmax},
    {OpKind::kLayerNorm, "LayerNorm",
     "FLOPs = rows x (5n + 2) + rows x n for the weight + rows x n for the bias", LayerNorm},
    {OpKind::kRmsNorm, "RmsNorm", "FLOPs = rows x (3n + 2) + rows x n for the weight", RmsNorm},
};

}  // namespace

std::span<const OpDef> NormalizationOps() { return kDefs; }

}  // namespace calflops
