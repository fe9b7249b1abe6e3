// Windowed ops over spatial dimensions: pooling and resizing. attr = elements per window.
#include "ops/op_def.h"

namespace calflops {
namespace {

Count Window(const Op& op) { return Count::FromSigned(op.attr); }

/// k - 1 compares per output.
OpCost MaxPool(const Op& op) {
  return {0, Window(op) == Count(0) ? Count(0) : op.out.numel() * (Window(op) - 1)};
}
/// k - 1 adds and one divide per output.
OpCost AvgPool(const Op& op) { return {0, op.out.numel() * Window(op)}; }
/// |x|^p per tap, k - 1 adds, one root per output.
OpCost LpPool(const Op& op) { return {0, op.out.numel() * 2 * Window(op)}; }
/// Weighted sum of the taps: taps multiplies and taps - 1 adds per output; nearest copies.
OpCost Resize(const Op& op) {
  return {0, Window(op) == Count(0) ? Count(0) : op.out.numel() * (2 * Window(op) - 1)};
}

constexpr OpDef kDefs[] = {
    {OpKind::kMaxPool, "MaxPool", "FLOPs = output elements x (kernel elements - 1) compares",
     MaxPool},
    {OpKind::kAvgPool, "AvgPool",
     "FLOPs = output elements x kernel elements (k - 1 adds, 1 divide; global pooling: k = "
     "spatial size)",
     AvgPool},
    {OpKind::kLpPool, "LpPool", "FLOPs = output elements x 2 x kernel elements", LpPool},
    {OpKind::kResize, "Resize",
     "FLOPs = output elements x (2 taps - 1); taps = 2^d (linear) or 4^d (cubic) over the d "
     "resized axes; nearest: 0",
     Resize},
};

}  // namespace

std::span<const OpDef> SpatialOps() { return kDefs; }

}  // namespace calflops
