// Elementwise ops: binary arithmetic with broadcasting and unary functions.
#include "ops/op_formulas.h"

namespace calflops {
namespace elementwise {
namespace {

using namespace formulas;  // NOLINT

/// One FLOP per output element; the output shape is the (right-aligned) broadcast shape.
OpCost PerOutput(const Op& op) { return {0, op.out.numel()}; }

template <int kFlopsPerElement>
OpCost PerElement(const Op& op) {
  return {0, kFlopsPerElement * op.out.numel()};
}

/// Two compares per element, one when the op has a single bound (attr = 1).
OpCost Clip(const Op& op) { return {0, (op.attr == 1 ? 1 : 2) * op.out.numel()}; }

// ---- backward and bytes moved

OpCost AddBwd(const Op& op, const GradNeeds& g) {
  Count f;
  for (int i = 0; i < op.n_in; ++i)
    if (g.input[static_cast<size_t>(i)]) f += BroadcastSum(op, i);
  return {0, f};
}

OpCost SubBwd(const Op& op, const GradNeeds& g) {
  OpCost c = AddBwd(op, g);
  if (Binary(op) && g.input[1]) c.flops += OutElems(op);  // -dY
  return c;
}

OpCost MulBwd(const Op& op, const GradNeeds& g) {
  if (!Binary(op)) return {0, g.input[0] ? OutElems(op) : Count(0)};  // dY * c
  Count f;
  for (int i = 0; i < 2; ++i)
    if (g.input[static_cast<size_t>(i)])
      f += OutElems(op) + BroadcastSum(op, i);  // dY * other, then sum
  return {0, f};
}

SavedSet MulSaved(const Op& op, const GradNeeds& g) {
  if (!Binary(op)) return {};
  return {.inputs = static_cast<uint8_t>((g.input[0] ? 2 : 0) | (g.input[1] ? 1 : 0))};
}

OpCost DivBwd(const Op& op, const GradNeeds& g) {
  if (!Binary(op)) return {0, g.input[0] ? OutElems(op) : Count(0)};  // dY / c
  Count f;
  if (g.input[0]) f += OutElems(op) + BroadcastSum(op, 0);      // dY / b
  if (g.input[1]) f += 3 * OutElems(op) + BroadcastSum(op, 1);  // -dY * a / b^2: mul, div, div
  return {0, f};
}

SavedSet DivSaved(const Op& op, const GradNeeds& g) {
  if (!Binary(op)) return {};
  uint8_t bits = (g.input[0] || g.input[1]) ? 2 : 0;  // b for both gradients
  if (g.input[1]) bits |= 1;                          // a for db
  return {.inputs = bits};
}

/// calflops' + and * (torch.add / torch.mul / Python operators): the product of per-dimension
/// maxima with shapes aligned on the LEFT; with a Python scalar, the tensor's elements.
OpCost AddOrMulCalflops(const Op& op) {
  if (op.n_in < 2) return {0, op.in[0].numel()};
  return {0, LeftAlignedBroadcastCount(op.in[0], op.in[1])};
}

constexpr OpDef kDefs[] = {
    {.kind = OpKind::kAdd,
     .name = "Add",
     .formula = "FLOPs = elements of the broadcast output",
     .analytic = PerOutput,
     .traffic = {kReadAll, ReadAll},
     .grad = {"0, plus a sum over broadcast dimensions per operand: n - operand elements", AddBwd,
              kSaveNone, SaveNothing},
     .calflops = {"torch.add, +: product of per-dimension maxima, shapes aligned on the LEFT (a "
                  "Python scalar: input elements)",
                  IfTorchOrOperator<AddOrMulCalflops>}},
    {.kind = OpKind::kSub,
     .name = "Sub",
     .formula = "FLOPs = elements of the broadcast output",
     .analytic = PerOutput,
     .traffic = {kReadAll, ReadAll},
     .grad = {"as Add, plus n to negate dB", SubBwd, kSaveNone, SaveNothing},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kMul,
     .name = "Mul",
     .formula = "FLOPs = elements of the broadcast output",
     .analytic = PerOutput,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dA = dY * B, dB = dY * A: n each, plus broadcast sums", MulBwd,
              "B if A needs a gradient, A if B does", MulSaved},
     .calflops = {"torch.mul, *: product of per-dimension maxima, shapes aligned on the LEFT (a "
                  "Python scalar: input elements)",
                  IfTorchOrOperator<AddOrMulCalflops>}},
    {.kind = OpKind::kDiv,
     .name = "Div",
     .formula = "FLOPs = elements of the broadcast output",
     .analytic = PerOutput,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dA = dY / B: n; dB = -dY * A / B^2: 3n; plus broadcast sums", DivBwd,
              "B; A too if B needs a gradient", DivSaved},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kNeg,
     .name = "Neg",
     .formula = "FLOPs = elements",
     .analytic = PerElement<1>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"-dY: n", PerOutputBackward<1>, kSaveNone, SaveNothing},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kPow,
     .name = "Pow",
     .formula = "FLOPs = elements (one pow, or one multiply for x^2)",
     .analytic = PerElement<1>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * p * x^(p-1): 3n", PerOutputBackward<3>, kSaveIn, SaveInput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kSqrt,
     .name = "Sqrt",
     .formula = "FLOPs = elements",
     .analytic = PerElement<1>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY / (2 y): 2n", PerOutputBackward<2>, kSaveOut, SaveOutput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kRsqrt,
     .name = "Rsqrt",
     .formula = "FLOPs = elements",
     .analytic = PerElement<1>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * -0.5 * y^3: 4n", PerOutputBackward<4>, kSaveOut, SaveOutput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kExp,
     .name = "Exp",
     .formula = "FLOPs = elements",
     .analytic = PerElement<1>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * y: n", PerOutputBackward<1>, kSaveOut, SaveOutput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kSin,
     .name = "Sin",
     .formula = "FLOPs = elements",
     .analytic = PerElement<1>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * cos(x): 2n", PerOutputBackward<2>, kSaveIn, SaveInput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kCos,
     .name = "Cos",
     .formula = "FLOPs = elements",
     .analytic = PerElement<1>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * -sin(x): 3n", PerOutputBackward<3>, kSaveIn, SaveInput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kTanh,
     .name = "Tanh",
     .formula = "FLOPs = elements",
     .analytic = PerElement<1>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * (1 - y^2): 3n", PerOutputBackward<3>, kSaveOut, SaveOutput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kSigmoid,
     .name = "Sigmoid",
     .formula = "1 / (1 + exp(-x)): FLOPs = 4 x elements (neg, exp, add, div)",
     .analytic = PerElement<4>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * y * (1 - y): 3n", PerOutputBackward<3>, kSaveOut, SaveOutput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kRelu,
     .name = "Relu",
     .formula = "max(x, 0): FLOPs = elements",
     .analytic = PerElement<1>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * (y > 0): n", PerOutputBackward<1>, kSaveOut, SaveOutput},
     .calflops = {"functional: FLOPs = input elements; otherwise 0", IfFunctional<InputElements>}},
    {.kind = OpKind::kSilu,
     .name = "Silu",
     .formula = "x / (1 + exp(-x)): FLOPs = 4 x elements (neg, exp, add, div)",
     .analytic = PerElement<4>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * s * (1 + x (1 - s)), s = sigmoid(x) recomputed (4): 9n", PerOutputBackward<9>,
              kSaveIn, SaveInput},
     .calflops = {"functional: FLOPs = input elements; otherwise 0", IfFunctional<InputElements>}},
    {.kind = OpKind::kGelu,
     .name = "Gelu",
     .formula = "x * 0.5 * (1 + erf(x / sqrt(2))): FLOPs = 5 x elements (mul, erf, add, mul, mul)",
     .analytic = PerElement<5>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * (cdf(x) + x pdf(x)): cdf 4, pdf 4, combine 3: 11n", PerOutputBackward<11>,
              kSaveIn, SaveInput},
     .calflops = {"functional: FLOPs = input elements; otherwise 0", IfFunctional<InputElements>}},
    {.kind = OpKind::kGeluTanh,
     .name = "GeluTanh",
     .formula = "0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))): FLOPs = 9 x elements",
     .analytic = PerElement<9>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"PyTorch's tanh-GELU backward: 18n", PerOutputBackward<18>, kSaveIn, SaveInput},
     .calflops = {"functional: FLOPs = input elements; otherwise 0", IfFunctional<InputElements>}},
    {.kind = OpKind::kErf,
     .name = "Erf",
     .formula = "FLOPs = elements",
     .analytic = PerElement<1>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * 2/sqrt(pi) exp(-x^2): 5n", PerOutputBackward<5>, kSaveIn, SaveInput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kLog,
     .name = "Log",
     .formula = "FLOPs = elements",
     .analytic = PerElement<1>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY / x: n", PerOutputBackward<1>, kSaveIn, SaveInput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kAbs,
     .name = "Abs",
     .formula = "abs or sign: FLOPs = elements",
     .analytic = PerElement<1>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * sign(x): 2n (sign: 0)", PerOutputBackward<2>, kSaveIn, SaveInput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kRound,
     .name = "Round",
     .formula = "floor, ceil or round: FLOPs = elements",
     .analytic = PerElement<1>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"0 (zero gradient almost everywhere)", NoBackward, kSaveNone, SaveNothing},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kReciprocal,
     .name = "Reciprocal",
     .formula = "FLOPs = elements",
     .analytic = PerElement<1>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"-dY * y^2: 3n", PerOutputBackward<3>, kSaveOut, SaveOutput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kTrig,
     .name = "Trig",
     .formula = "tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh: FLOPs = elements",
     .analytic = PerElement<1>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY times the derivative (about 4 operations): 4n", PerOutputBackward<4>, kSaveIn,
              SaveInput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kClip,
     .name = "Clip",
     .formula =
         "min(max(x, lo), hi): FLOPs = 2 x elements; 1 x elements with one bound open (attr = 1: "
         "torch.clamp(x, max=hi))",
     .analytic = Clip,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * (lo < x < hi): 3n", PerOutputBackward<3>, kSaveIn, SaveInput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kLeakyRelu,
     .name = "LeakyRelu",
     .formula = "x < 0 ? a x : x (also PRelu): FLOPs = 2 x elements",
     .analytic = PerElement<2>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * (x > 0 ? 1 : a): 2n", PerOutputBackward<2>, kSaveIn, SaveInput},
     .calflops = {"F.leaky_relu, F.prelu: FLOPs = input elements; otherwise 0",
                  IfFunctional<InputElements>}},
    {.kind = OpKind::kElu,
     .name = "Elu",
     .formula = "x < 0 ? a (exp(x) - 1) : x (also Celu): FLOPs = 4 x elements",
     .analytic = PerElement<4>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * (x > 0 ? 1 : y + a): 3n", PerOutputBackward<3>, kSaveOut, SaveOutput},
     .calflops = {"functional: FLOPs = input elements; otherwise 0", IfFunctional<InputElements>}},
    {.kind = OpKind::kSelu,
     .name = "Selu",
     .formula = "g (x > 0 ? x : a exp(x) - a): FLOPs = 5 x elements",
     .analytic = PerElement<5>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * g (x > 0 ? 1 : y / g + a): 4n", PerOutputBackward<4>, kSaveOut, SaveOutput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kHardSigmoid,
     .name = "HardSigmoid",
     .formula = "max(0, min(1, a x + b)): FLOPs = 4 x elements",
     .analytic = PerElement<4>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * a inside the linear range: 3n", PerOutputBackward<3>, kSaveIn, SaveInput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kHardSwish,
     .name = "HardSwish",
     .formula = "x hardsigmoid(x): FLOPs = 5 x elements",
     .analytic = PerElement<5>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * (2x + 3) / 6 inside the ramp: 5n", PerOutputBackward<5>, kSaveIn, SaveInput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kSoftplus,
     .name = "Softplus",
     .formula = "log(1 + exp(x)): FLOPs = 3 x elements",
     .analytic = PerElement<3>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * sigmoid(x): 5n", PerOutputBackward<5>, kSaveIn, SaveInput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kSoftsign,
     .name = "Softsign",
     .formula = "x / (1 + |x|): FLOPs = 3 x elements",
     .analytic = PerElement<3>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY / (1 + |x|)^2: 4n", PerOutputBackward<4>, kSaveIn, SaveInput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kMish,
     .name = "Mish",
     .formula = "x tanh(log(1 + exp(x))): FLOPs = 5 x elements",
     .analytic = PerElement<5>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * (tanh(sp) + x sigmoid(x) (1 - tanh(sp)^2)): 12n", PerOutputBackward<12>,
              kSaveIn, SaveInput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kShrink,
     .name = "Shrink",
     .formula = "compare, then add or subtract the bias: FLOPs = 2 x elements",
     .analytic = PerElement<2>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * (|x| > lambda): 2n", PerOutputBackward<2>, kSaveIn, SaveInput},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kQuantize,
     .name = "Quantize",
     .formula = "x / scale + zero_point, rounded and saturated: FLOPs = 4 x elements",
     .analytic = PerElement<4>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"straight-through: dY * (in range): n", PerOutputBackward<1>, kSaveNone, SaveNothing},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kDequantize,
     .name = "Dequantize",
     .formula = "(x - zero_point) x scale: FLOPs = 2 x elements",
     .analytic = PerElement<2>,
     .traffic = {kReadAll, ReadAll},
     .grad = {"dY * scale: n", PerOutputBackward<1>, kSaveNone, SaveNothing},
     .calflops = {kUnseen, Unseen}},
    {.kind = OpKind::kCompare,
     .name = "Compare",
     .formula =
         "compare, logical or bitwise op, min, max, mod: FLOPs = elements of the broadcast output",
     .analytic = PerOutput,
     .traffic = {kReadAll, ReadAll},
     .grad = {"0 (no gradient)", NoBackward, kSaveNone, SaveNothing},
     .calflops = {kUnseen, Unseen}},
};

}  // namespace
}  // namespace elementwise

std::span<const OpDef> ElementwiseOps() { return elementwise::kDefs; }

}  // namespace calflops
