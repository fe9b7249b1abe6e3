// Elementwise ops: binary arithmetic with broadcasting and unary functions.
#include "ops/op_def.h"

namespace calflops {
namespace {

/// One FLOP per output element; the output shape is the (right-aligned) broadcast shape.
OpCost PerOutput(const Op& op) { return {0, op.out.numel()}; }

template <int kFlopsPerElement>
OpCost PerElement(const Op& op) {
  return {0, kFlopsPerElement * op.out.numel()};
}

constexpr OpDef kDefs[] = {
    {OpKind::kAdd, "Add", "FLOPs = elements of the broadcast output", PerOutput},
    {OpKind::kSub, "Sub", "FLOPs = elements of the broadcast output", PerOutput},
    {OpKind::kMul, "Mul", "FLOPs = elements of the broadcast output", PerOutput},
    {OpKind::kDiv, "Div", "FLOPs = elements of the broadcast output", PerOutput},
    {OpKind::kNeg, "Neg", "FLOPs = elements", PerElement<1>},
    {OpKind::kPow, "Pow", "FLOPs = elements (one pow, or one multiply for x^2)", PerElement<1>},
    {OpKind::kSqrt, "Sqrt", "FLOPs = elements", PerElement<1>},
    {OpKind::kRsqrt, "Rsqrt", "FLOPs = elements", PerElement<1>},
    {OpKind::kExp, "Exp", "FLOPs = elements", PerElement<1>},
    {OpKind::kSin, "Sin", "FLOPs = elements", PerElement<1>},
    {OpKind::kCos, "Cos", "FLOPs = elements", PerElement<1>},
    {OpKind::kTanh, "Tanh", "FLOPs = elements", PerElement<1>},
    {OpKind::kSigmoid, "Sigmoid", "1 / (1 + exp(-x)): FLOPs = 4 x elements (neg, exp, add, div)",
     PerElement<4>},
    {OpKind::kRelu, "Relu", "max(x, 0): FLOPs = elements", PerElement<1>},
    {OpKind::kSilu, "Silu", "x / (1 + exp(-x)): FLOPs = 4 x elements (neg, exp, add, div)",
     PerElement<4>},
    {OpKind::kGelu, "Gelu",
     "x * 0.5 * (1 + erf(x / sqrt(2))): FLOPs = 5 x elements (mul, erf, add, mul, mul)",
     PerElement<5>},
    {OpKind::kGeluTanh, "GeluTanh",
     "0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))): FLOPs = 9 x elements", PerElement<9>},
};

}  // namespace

std::span<const OpDef> ElementwiseOps() { return kDefs; }

}  // namespace calflops
