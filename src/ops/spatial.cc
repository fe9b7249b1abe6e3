// Windowed ops over spatial dimensions: pooling and resizing. attr = elements per window.
#include "ops/op_formulas.h"

namespace calflops {
namespace spatial {
namespace {

using namespace formulas;  // NOLINT

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

/// F.lp_pool1d / 2d: avg_pool on x^p (input elements), then F.relu and Tensor.mul on the pooled
/// output (output elements each).
OpCost LpPoolCalflops(const Op& op) { return {0, op.in[0].numel() + 2 * op.out.numel()}; }

// ---- backward and bytes moved

/// Scatter-add of dY into the taps of each output: output elements x taps.
OpCost ResizeBwd(const Op& op, const GradNeeds& g) {
  return {0, g.input[0] ? OutElems(op) * Count::FromSigned(op.attr) : Count(0)};
}

constexpr OpDef kDefs[] = {
    {.kind = OpKind::kMaxPool,
     .name = "MaxPool",
     .formula = "FLOPs = output elements x (kernel elements - 1) compares",
     .analytic = MaxPool,
     .traffic = {"reads the input, writes the pooled output", ReadAll},
     .grad = {"dY scattered to the argmax of each window: 0", NoBackward,
              "the argmax indices (int64)", SaveOutputIndices},
     .calflops = {"every pooling functional: FLOPs = input elements (kernel ignored)",
                  IfFunctional<InputElements>}},
    {.kind = OpKind::kAvgPool,
     .name = "AvgPool",
     .formula =
         "FLOPs = output elements x kernel elements (k - 1 adds, 1 divide; global pooling: k = "
         "spatial size)",
     .analytic = AvgPool,
     .traffic = {"reads the input, writes the pooled output", ReadAll},
     .grad = {"dY / k spread over each window: input elements", PerInputBackward<1>, kSaveNone,
              SaveNothing},
     .calflops = {"every pooling functional: FLOPs = input elements (kernel ignored)",
                  IfFunctional<InputElements>}},
    {.kind = OpKind::kLpPool,
     .name = "LpPool",
     .formula = "FLOPs = output elements x 2 x kernel elements",
     .analytic = LpPool,
     .traffic = {"reads the input, writes the pooled output", ReadAll},
     .grad = {"dY * |x|^(p-1) sign(x) / y^(p-1): 3 x input elements", PerInputBackward<3>,
              "the input and the output", SaveInputAndOutput},
     .calflops = {"F.lp_pool: avg_pool on x^p (input elements) + F.relu and Tensor.mul on the "
                  "output (2 x output elements)",
                  IfFunctional<LpPoolCalflops>}},
    {.kind = OpKind::kResize,
     .name = "Resize",
     .formula =
         "FLOPs = output elements x (2 taps - 1); taps = 2^d (linear) or 4^d (cubic) over the d "
         "resized axes; nearest: 0",
     .analytic = Resize,
     .traffic = {"reads the input, writes the resized output", ReadAll},
     .grad = {"dY scatter-added to each output's taps: output elements x taps", ResizeBwd,
              kSaveNone, SaveNothing},
     .calflops = {"F.interpolate without size: FLOPs = input elements",
                  IfFunctional<InputElements>}},
};

}  // namespace
}  // namespace spatial

std::span<const OpDef> SpatialOps() { return spatial::kDefs; }

}  // namespace calflops
