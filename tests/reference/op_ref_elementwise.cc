#include "reference/op_ref_elementwise.h"

#include <cmath>
#include <stdexcept>

#include "reference/scalar_more.h"

namespace reference {

namespace {
using calflops::OpKind;
double Sigmoid(double x) { return Div(1.0, Add(1.0, Exp(Neg(x)))); }
double Softplus(double x) { return Log(Add(1.0, Exp(x))); }
double HardSigmoid(double x) { return Max(0.0, Min(1.0, Add(Mul(0.2, x), 0.5))); }
double CompareOp(double a, double b) { return Greater(a, b) ? 1.0 : 0.0; }
}  // namespace

double UnaryElement(OpKind kind, double x, int64_t attr) {
  switch (kind) {
    case OpKind::kNeg: return Neg(x);
    case OpKind::kPow: return PowE(x, 3.0);
    case OpKind::kSqrt: return Sqrt(std::fabs(x));
    case OpKind::kRsqrt: return Rsqrt(std::fabs(x) + 1);
    case OpKind::kExp: return Exp(x);
    case OpKind::kSin: return Sin(x);
    case OpKind::kCos: return Cos(x);
    case OpKind::kTanh: return Tanh(x);
    case OpKind::kSigmoid: return Sigmoid(x);  // neg, exp, add, div
    case OpKind::kRelu: return Relu(x);
    case OpKind::kSilu: return Div(x, Add(1.0, Exp(Neg(x))));
    case OpKind::kGelu: return Mul(Mul(x, 0.5), Add(1.0, Erf(Mul(x, M_SQRT1_2))));
    case OpKind::kGeluTanh: {
      double cube = Mul(Mul(x, x), x);
      double inner = Mul(std::sqrt(2.0 / M_PI), Add(x, Mul(0.044715, cube)));
      return Mul(0.5, Mul(x, Add(1.0, Tanh(inner))));
    }
    case OpKind::kErf: return Erf(x);
    case OpKind::kLog: return Log(std::fabs(x) + 1);
    case OpKind::kAbs: return Abs(x);
    case OpKind::kRound: return Elementary(std::round, x);
    case OpKind::kReciprocal: return Div(1.0, x);
    case OpKind::kTrig: return Elementary(std::atan, x);
    // Clip: both bounds compared; torch.clamp(x, max=hi) (attr 1) compares one.
    case OpKind::kClip: return attr == 1 ? Min(x, 0.3) : Min(Max(x, -0.3), 0.3);
    // A branchless kernel: the product is computed and selected by the comparison.
    case OpKind::kLeakyRelu: { double ax = Mul(0.01, x); return Less(x, 0) ? ax : x; }
    case OpKind::kElu: { double e = Mul(1.0, Sub(Exp(x), 1.0)); return Less(x, 0) ? e : x; }
    case OpKind::kSelu: {
      double neg = Sub(Mul(1.67, Exp(x)), 1.67);
      return Mul(1.05, Greater(x, 0) ? x : neg);
    }
    case OpKind::kHardSigmoid: return HardSigmoid(x);  // mul, add, min, max
    case OpKind::kHardSwish: return Mul(x, HardSigmoid(x));
    case OpKind::kSoftplus: return Softplus(x);  // exp, add, log
    case OpKind::kSoftsign: return Div(x, Add(1.0, Abs(x)));
    case OpKind::kMish: return Mul(x, Tanh(Softplus(x)));
    // Shrink: one comparison of the magnitude (the sign bit masked off: no arithmetic) and one
    // add of +-bias selected by the sign, branchless.
    case OpKind::kShrink: {
      bool outside = Greater(std::fabs(x), 0.5);
      double shifted = Add(x, x < 0 ? 0.1 : -0.1);
      return outside ? shifted : 0.0;
    }
    // Quantize: divide, round, add the zero point, then one saturating conversion (a single
    // instruction on every target: one FLOP, not a min and a max).
    case OpKind::kQuantize: {
      double q = Add(Elementary(std::nearbyint, Div(x, 0.02)), 3.0);
      CountFlop();
      return std::fmin(std::fmax(q, -128.0), 127.0);
    }
    case OpKind::kDequantize: return Mul(Sub(x, 3.0), 0.02);
    default: throw std::invalid_argument("not a unary elementwise kind");
  }
}

Tensor UnaryRef(OpKind kind, const Tensor& x, int64_t attr) {
  return Map(x, [&](double v) { return UnaryElement(kind, v, attr); });
}

Tensor BinaryRef(OpKind kind, const Tensor& a, const Tensor& b) {
  switch (kind) {
    case OpKind::kAdd: return Binary(a, b, Add);
    case OpKind::kSub: return Binary(a, b, Sub);
    case OpKind::kMul: return Binary(a, b, Mul);
    case OpKind::kDiv: return Binary(a, b, Div);
    case OpKind::kCompare: return Binary(a, b, CompareOp);
    default: throw std::invalid_argument("not a binary elementwise kind");
  }
}

}  // namespace reference
