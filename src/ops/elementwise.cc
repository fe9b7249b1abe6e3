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

/// Two compares per element, one when the op has a single bound (attr = 1).
OpCost Clip(const Op& op) { return {0, (op.attr == 1 ? 1 : 2) * op.out.numel()}; }

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
    {OpKind::kErf, "Erf", "FLOPs = elements", PerElement<1>},
    {OpKind::kLog, "Log", "FLOPs = elements", PerElement<1>},
    {OpKind::kAbs, "Abs", "abs or sign: FLOPs = elements", PerElement<1>},
    {OpKind::kRound, "Round", "floor, ceil or round: FLOPs = elements", PerElement<1>},
    {OpKind::kReciprocal, "Reciprocal", "FLOPs = elements", PerElement<1>},
    {OpKind::kTrig, "Trig", "tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh: FLOPs = elements",
     PerElement<1>},
    {OpKind::kClip, "Clip",
     "min(max(x, lo), hi): FLOPs = 2 x elements; 1 x elements with one bound open (attr = 1: "
     "torch.clamp(x, max=hi))",
     Clip},
    {OpKind::kLeakyRelu, "LeakyRelu", "x < 0 ? a x : x (also PRelu): FLOPs = 2 x elements",
     PerElement<2>},
    {OpKind::kElu, "Elu", "x < 0 ? a (exp(x) - 1) : x (also Celu): FLOPs = 4 x elements",
     PerElement<4>},
    {OpKind::kSelu, "Selu", "g (x > 0 ? x : a exp(x) - a): FLOPs = 5 x elements", PerElement<5>},
    {OpKind::kHardSigmoid, "HardSigmoid", "max(0, min(1, a x + b)): FLOPs = 4 x elements",
     PerElement<4>},
    {OpKind::kHardSwish, "HardSwish", "x hardsigmoid(x): FLOPs = 5 x elements", PerElement<5>},
    {OpKind::kSoftplus, "Softplus", "log(1 + exp(x)): FLOPs = 3 x elements", PerElement<3>},
    {OpKind::kSoftsign, "Softsign", "x / (1 + |x|): FLOPs = 3 x elements", PerElement<3>},
    {OpKind::kMish, "Mish", "x tanh(log(1 + exp(x))): FLOPs = 5 x elements", PerElement<5>},
    {OpKind::kShrink, "Shrink", "compare, then add or subtract the bias: FLOPs = 2 x elements",
     PerElement<2>},
    {OpKind::kQuantize, "Quantize",
     "x / scale + zero_point, rounded and saturated: FLOPs = 4 x elements", PerElement<4>},
    {OpKind::kDequantize, "Dequantize", "(x - zero_point) x scale: FLOPs = 2 x elements",
     PerElement<2>},
    {OpKind::kCompare, "Compare",
     "compare, logical or bitwise op, min, max, mod: FLOPs = elements of the broadcast output",
     PerOutput},
};

}  // namespace

std::span<const OpDef> ElementwiseOps() { return kDefs; }

}  // namespace calflops
