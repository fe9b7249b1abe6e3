// Elementwise operators: unary functions, binary and variadic arithmetic with broadcasting,
// comparisons and logic, Where, Cast, Identity, Dropout. Shapes per docs/Operators.md; small
// integer contents folded so shape arithmetic (Add / Mul / Div / Equal / Where) stays known.
#include <cmath>

#include "readers/onnx/ops/rules.h"

namespace calflops::onnx {
namespace elementwise {
namespace {

using namespace rules;  // NOLINT: the family's vocabulary

// Integer contents are arbitrary int64 from the file. A result the arithmetic cannot give (it
// overflows int64, or divides by zero) is not folded: the output's contents stay unknown, as a
// shape or trip count computed from it then is (a Loop of 2^62 x 4 trips wrapped to 0 and was
// priced as no work at all; now its trip count is unknown and the Loop is reported as such).
int64_t CheckedAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) FoldIsUnknown();
  return r;
}
int64_t CheckedSub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) FoldIsUnknown();
  return r;
}
int64_t CheckedMul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) FoldIsUnknown();
  return r;
}
int64_t CheckedNeg(int64_t a) { return CheckedSub(0, a); }
int64_t CheckedDiv(int64_t a, int64_t b) {
  if (b == 0) return FoldIsUnknown(), 0;
  return b == -1 ? CheckedNeg(a) : a / b;
}
/// Mod: a % -1 is 0 for every a (INT64_MIN % -1 traps on x86: SIGFPE); x % 0 is unknown.
/// `fmod`: C's sign (the dividend's); else Python's (the divisor's).
int64_t CheckedMod(int64_t a, int64_t b, bool fmod) {
  if (b == 0) return FoldIsUnknown(), 0;
  if (b == -1) return 0;
  int64_t r = a % b;
  if (!fmod && r != 0 && ((r < 0) != (b < 0))) r += b;  // |r| < |b|: cannot overflow
  return r;
}
int64_t CheckedAbs(int64_t a) { return a < 0 ? CheckedNeg(a) : a; }
/// a^b by squaring (b < 0 folds to 0, as integer Pow truncates); unknown when it overflows.
int64_t CheckedPow(int64_t a, int64_t b) {
  if (b < 0) return a == 1 ? 1 : a == -1 ? (b % 2 ? -1 : 1) : 0;
  if (a == 0 || a == 1) return b == 0 ? 1 : a;
  if (a == -1) return b % 2 ? -1 : 1;
  int64_t r = 1;
  for (; b > 0; b >>= 1) {
    if (b & 1) r = CheckedMul(r, a);
    if (b > 1) a = CheckedMul(a, a);
  }
  return r;
}

// ---- inference ----

void Same(OpContext& c) { SameShape(c); }

double Exp(double x) { return std::exp(x); }
double Log(double x) { return std::log(x); }
double Sin(double x) { return std::sin(x); }
double Cos(double x) { return std::cos(x); }
double Ceil(double x) { return std::ceil(x); }
double Floor(double x) { return std::floor(x); }
double Round(double x) { return std::nearbyint(x); }
double Sqrt(double x) { return std::sqrt(x); }
double Reciprocal(double x) { return 1.0 / x; }

template <double (*F)(double)>
void SameFoldReal(OpContext& c) {
  SameShape(c);
  FoldUnary(c, F, nullptr);
}

void AbsInfer(OpContext& c) {
  SameShape(c);
  FoldUnary(
      c, [](double x) { return std::fabs(x); }, [](int64_t x) { return CheckedAbs(x); });
}
void NegInfer(OpContext& c) {
  SameShape(c);
  FoldUnary(
      c, [](double x) { return -x; }, [](int64_t x) { return CheckedNeg(x); });
}
void SignInfer(OpContext& c) {
  SameShape(c);
  FoldUnary(
      c, [](double x) { return static_cast<double>((x > 0) - (x < 0)); },
      [](int64_t x) { return static_cast<int64_t>((x > 0) - (x < 0)); });
}
void NotInfer(OpContext& c) {
  SameShape(c, 0, 0, kBool);
  FoldUnary(c, nullptr, [](int64_t x) { return static_cast<int64_t>(x == 0); });
}
void BoolOut(OpContext& c) { SameShape(c, 0, 0, kBool); }
void ReluInfer(OpContext& c) {
  SameShape(c);
  FoldUnary(
      c, [](double x) { return x > 0 ? x : 0.0; },
      [](int64_t x) { return x > 0 ? x : int64_t{0}; });
}

void IdentityInfer(OpContext& c) {
  c.out(0) = c.in(0);  // contents pass through too
}

void DropoutInfer(OpContext& c) {
  c.out(0) = c.in(0);
  if (c.has_out(1)) SameShape(c, 0, 1, kBool);
}

void CastTo(OpContext& c, int32_t to) {
  const TensorInfo& in = c.in(0);
  TensorInfo& out = c.out(0);
  SameShape(c, 0, 0, to);
  if (!in.has_values) return;
  if (IsInteger(to)) {
    std::vector<int64_t> v = in.AsInts();
    if (to == kBool) {
      for (size_t i = 0; i < v.size(); ++i)
        v[i] = in.reals.empty() ? v[i] != 0 : in.reals[i] != 0.0;
    }
    SetValues(out, v);
  } else if (IsFloating(to)) {
    std::vector<double> r;
    size_t n = std::max(in.ints.size(), in.reals.size());
    for (size_t i = 0; i < n; ++i) r.push_back(in.RealAt(i));
    SetReals(out, r);
  }
}
void CastInfer(OpContext& c) { CastTo(c, static_cast<int32_t>(c.Int("to", kFloat))); }
void CastLikeInfer(OpContext& c) { CastTo(c, c.in(1).elem); }

void ClipInfer(OpContext& c) {
  SameShape(c);
  double lo = -INFINITY, hi = INFINITY;
  if (c.opset() < 11) {
    lo = c.Float("min", -INFINITY);
    hi = c.Float("max", INFINITY);
  } else {
    if (c.has(1)) {
      if (!c.in(1).has_values) return;
      lo = c.in(1).RealAt(0);
    }
    if (c.has(2)) {
      if (!c.in(2).has_values) return;
      hi = c.in(2).RealAt(0);
    }
  }
  FoldUnary(
      c, [lo, hi](double x) { return std::min(std::max(x, lo), hi); },
      [lo, hi](int64_t x) {
        double v = std::min(std::max(static_cast<double>(x), lo), hi);
        return ToInt64(v);
      });
}

// Binary and variadic arithmetic.
void AddInfer(OpContext& c) {
  BroadcastAll(c);
  if (c.num_inputs() == 2) FoldBinary(c, std::plus<double>(), CheckedAdd);
}
void SubInfer(OpContext& c) {
  BroadcastAll(c);
  FoldBinary(c, std::minus<double>(), CheckedSub);
}
void MulInfer(OpContext& c) {
  BroadcastAll(c);
  FoldBinary(c, std::multiplies<double>(), CheckedMul);
}
void DivInfer(OpContext& c) {
  BroadcastAll(c);
  FoldBinary(c, std::divides<double>(), CheckedDiv);
}
void ModInfer(OpContext& c) {
  BroadcastAll(c);
  bool fmod = c.Int("fmod", 0) != 0;
  FoldBinary(
      c, [](double a, double b) { return std::fmod(a, b); },
      [fmod](int64_t a, int64_t b) { return CheckedMod(a, b, fmod); });
}
void PowInfer(OpContext& c) {
  BroadcastAll(c, c.in(0).elem);
  FoldBinary(
      c, [](double a, double b) { return std::pow(a, b); },
      [](int64_t a, int64_t b) { return CheckedPow(a, b); });
}
void BitShiftInfer(OpContext& c) {
  BroadcastAll(c);
  bool left = c.String("direction", "LEFT") == "LEFT";
  FoldBinary(c, nullptr, [left](int64_t a, int64_t b) {
    auto u = static_cast<uint64_t>(a);
    return static_cast<int64_t>((b < 0 || b >= 64) ? 0 : left ? u << b : u >> b);
  });
}

template <typename Cmp>
void CompareInfer(OpContext& c) {
  BroadcastAll(c, kBool);
  FoldBinary(
      c, [](double a, double b) { return static_cast<double>(Cmp()(a, b)); },
      [](int64_t a, int64_t b) { return static_cast<int64_t>(Cmp()(a, b)); });
}
void AndInfer(OpContext& c) {
  BroadcastAll(c, kBool);
  FoldBinary(c, nullptr, [](int64_t a, int64_t b) { return static_cast<int64_t>(a && b); });
}
void OrInfer(OpContext& c) {
  BroadcastAll(c, kBool);
  FoldBinary(c, nullptr, [](int64_t a, int64_t b) { return static_cast<int64_t>(a || b); });
}
void XorInfer(OpContext& c) {
  BroadcastAll(c, kBool);
  FoldBinary(c, nullptr,
             [](int64_t a, int64_t b) { return static_cast<int64_t>((a != 0) != (b != 0)); });
}
void BitwiseInfer(OpContext& c) { BroadcastAll(c); }

struct Larger {
  auto operator()(auto a, auto b) const { return std::max(a, b); }
};
struct Smaller {
  auto operator()(auto a, auto b) const { return std::min(a, b); }
};
/// Max, Min: broadcast over every input; two inputs fold (`Pick` keeps one of each pair), one
/// passes through.
template <typename Pick>
void PickInfer(OpContext& c) {
  BroadcastAll(c);
  if (c.num_inputs() == 2) {
    FoldBinary(
        c, [](double a, double b) { return Pick()(a, b); },
        [](int64_t a, int64_t b) { return Pick()(a, b); });
  } else if (c.num_inputs() == 1) {
    c.out(0) = c.in(0);
  }
}
void SumInfer(OpContext& c) {
  BroadcastAll(c);
  if (c.num_inputs() == 2) FoldBinary(c, std::plus<double>(), CheckedAdd);
  if (c.num_inputs() == 1) c.out(0) = c.in(0);
}

void WhereInfer(OpContext& c) {
  BroadcastAll(c, c.in(1).elem != kUndefined ? c.in(1).elem : c.in(2).elem);
  TensorInfo& out = c.out(0);
  const TensorInfo &cond = c.in(0), &x = c.in(1), &y = c.in(2);
  if (!cond.has_values || !x.has_values || !y.has_values || !out.IsStatic()) return;
  int64_t n = out.numel();
  if (n > kMaxFoldElements) return;
  // Broadcast by reading each operand at the output coordinate.
  auto at = [&](const TensorInfo& t, int64_t flat) {
    size_t idx = 0, stride = 1;
    int64_t rem = flat;
    std::vector<int64_t> coord(out.dims.size());
    for (size_t k = out.dims.size(); k-- > 0;) {
      coord[k] = rem % out.dims[k];
      rem /= out.dims[k];
    }
    size_t off = out.dims.size() - t.dims.size();
    for (size_t k = t.dims.size(); k-- > 0;) {
      idx += static_cast<size_t>(t.dims[k] == 1 ? 0 : coord[k + off]) * stride;
      stride *= static_cast<size_t>(t.dims[k]);
    }
    return idx;
  };
  std::vector<int64_t> ints;
  std::vector<double> reals;
  for (int64_t i = 0; i < n; ++i) {
    bool pick = cond.IntAt(at(cond, i)) != 0;
    const TensorInfo& src = pick ? x : y;
    size_t j = at(src, i);
    if (IsInteger(out.elem))
      ints.push_back(src.IntAt(j));
    else
      reals.push_back(src.RealAt(j));
  }
  out.has_values = true;
  out.ints = std::move(ints);
  out.reals = std::move(reals);
}

void PReluInfer(OpContext& c) { SameShape(c); }

// ---- lowering ----

void LowerGelu(LowerContext& l) {
  bool tanh = l.ctx().String("approximate", "none") == "tanh";
  l.Emit(tanh ? OpKind::kGeluTanh : OpKind::kGelu, CallForm::kFunctional, {l.InShape(0)},
         l.OutShape(0));
}

/// Mean of k inputs: k - 1 broadcast adds and one divide per output element.
void LowerMean(LowerContext& l) {
  LowerBinary<OpKind::kAdd, CallForm::kTorch>(l);
  l.Emit(OpKind::kDiv, CallForm::kTorch, {l.OutShape(0)}, l.OutShape(0));
}

void LowerPRelu(LowerContext& l) {
  l.Emit(OpKind::kLeakyRelu, CallForm::kFunctional, {l.InShape(0), l.InShape(1)}, l.OutShape(0));
}

constexpr CallForm kF = CallForm::kFunctional;
constexpr CallForm kT = CallForm::kTorch;
constexpr CallForm kU = CallForm::kUnhooked;

constexpr OnnxOp kOps[] = {
    // unary math
    {"", "Abs", AbsInfer, LowerUnary<OpKind::kAbs, kT>, "X"},
    {"", "Neg", NegInfer, LowerUnary<OpKind::kNeg, kT>, "X"},
    {"", "Sign", SignInfer, LowerUnary<OpKind::kAbs, kT>, "input"},
    {"", "Ceil", SameFoldReal<Ceil>, LowerUnary<OpKind::kRound, kT>, "X"},
    {"", "Floor", SameFoldReal<Floor>, LowerUnary<OpKind::kRound, kT>, "X"},
    {"", "Round", SameFoldReal<Round>, LowerUnary<OpKind::kRound, kT>, "X"},
    {"", "Sqrt", SameFoldReal<Sqrt>, LowerUnary<OpKind::kSqrt, kT>, "X"},
    {"", "Reciprocal", SameFoldReal<Reciprocal>, LowerUnary<OpKind::kReciprocal, kT>, "X"},
    {"", "Exp", SameFoldReal<Exp>, LowerUnary<OpKind::kExp, kT>, "input"},
    {"", "Log", SameFoldReal<Log>, LowerUnary<OpKind::kLog, kT>, "input"},
    {"", "Sin", SameFoldReal<Sin>, LowerUnary<OpKind::kSin, kT>, "input"},
    {"", "Cos", SameFoldReal<Cos>, LowerUnary<OpKind::kCos, kT>, "input"},
    {"", "Tan", Same, LowerUnary<OpKind::kTrig, kT>, "input"},
    {"", "Asin", Same, LowerUnary<OpKind::kTrig, kT>, "input"},
    {"", "Acos", Same, LowerUnary<OpKind::kTrig, kT>, "input"},
    {"", "Atan", Same, LowerUnary<OpKind::kTrig, kT>, "input"},
    {"", "Sinh", Same, LowerUnary<OpKind::kTrig, kT>, "input"},
    {"", "Cosh", Same, LowerUnary<OpKind::kTrig, kT>, "input"},
    {"", "Asinh", Same, LowerUnary<OpKind::kTrig, kT>, "input"},
    {"", "Acosh", Same, LowerUnary<OpKind::kTrig, kT>, "input"},
    {"", "Atanh", Same, LowerUnary<OpKind::kTrig, kT>, "input"},
    {"", "Erf", Same, LowerUnary<OpKind::kErf, kU>, "input"},
    {"", "IsNaN", BoolOut, LowerUnary<OpKind::kCompare, kT>, "X"},
    {"", "IsInf", BoolOut, LowerUnary<OpKind::kCompare, kT>, "X"},
    {"", "Not", NotInfer, LowerUnary<OpKind::kCompare, kT>, "X"},
    {"", "BitwiseNot", Same, LowerUnary<OpKind::kCompare, kT>, "X"},
    // activations
    {"", "Relu", ReluInfer, LowerUnary<OpKind::kRelu, kF>, "X"},
    {"", "ThresholdedRelu", Same, LowerUnary<OpKind::kRelu, kF>, "X"},
    {"", "LeakyRelu", Same, LowerUnary<OpKind::kLeakyRelu, kF>, "X"},
    {"", "PRelu", PReluInfer, LowerPRelu, "X slope"},
    {"", "Elu", Same, LowerUnary<OpKind::kElu, kF>, "X"},
    {"", "Celu", Same, LowerUnary<OpKind::kElu, kF>, "X"},
    {"", "Selu", Same, LowerUnary<OpKind::kSelu, kF>, "X"},
    {"", "Sigmoid", Same, LowerUnary<OpKind::kSigmoid, kT>, "X"},
    {"", "HardSigmoid", Same, LowerUnary<OpKind::kHardSigmoid, kF>, "X"},
    {"", "HardSwish", Same, LowerUnary<OpKind::kHardSwish, kF>, "X"},
    {"", "Tanh", Same, LowerUnary<OpKind::kTanh, kT>, "input"},
    {"", "Softplus", Same, LowerUnary<OpKind::kSoftplus, kF>, "X"},
    {"", "Softsign", Same, LowerUnary<OpKind::kSoftsign, kF>, "input"},
    {"", "Mish", Same, LowerUnary<OpKind::kMish, kF>, "X"},
    {"", "Gelu", Same, LowerGelu, "X"},
    {"", "Shrink", Same, LowerUnary<OpKind::kShrink, kF>, "input"},
    {"", "Clip", ClipInfer, LowerUnary<OpKind::kClip, kF>, "input min? max?"},
    // arithmetic with broadcasting
    {"", "Add", AddInfer, LowerBinary<OpKind::kAdd>, "A B"},
    {"", "Sub", SubInfer, LowerBinary<OpKind::kSub>, "A B"},
    {"", "Mul", MulInfer, LowerBinary<OpKind::kMul>, "A B"},
    {"", "Div", DivInfer, LowerBinary<OpKind::kDiv>, "A B"},
    {"", "Pow", PowInfer, LowerBinary<OpKind::kPow, kT>, "X Y"},
    {"", "Mod", ModInfer, LowerBinary<OpKind::kCompare, kT>, "A B"},
    {"", "Sum", SumInfer, LowerBinary<OpKind::kAdd, kT>, "data_0..."},
    {"", "Mean", SumInfer, LowerMean, "data_0..."},
    {"", "Max", PickInfer<Larger>, LowerBinary<OpKind::kCompare, kT>, "data_0..."},
    {"", "Min", PickInfer<Smaller>, LowerBinary<OpKind::kCompare, kT>, "data_0..."},
    // comparisons and logic
    {"", "Equal", CompareInfer<std::equal_to<>>, LowerBinary<OpKind::kCompare, kT>, "A B"},
    {"", "Less", CompareInfer<std::less<>>, LowerBinary<OpKind::kCompare, kT>, "A B"},
    {"", "LessOrEqual", CompareInfer<std::less_equal<>>, LowerBinary<OpKind::kCompare, kT>, "A B"},
    {"", "Greater", CompareInfer<std::greater<>>, LowerBinary<OpKind::kCompare, kT>, "A B"},
    {"", "GreaterOrEqual", CompareInfer<std::greater_equal<>>, LowerBinary<OpKind::kCompare, kT>,
     "A B"},
    {"", "And", AndInfer, LowerBinary<OpKind::kCompare, kT>, "A B"},
    {"", "Or", OrInfer, LowerBinary<OpKind::kCompare, kT>, "A B"},
    {"", "Xor", XorInfer, LowerBinary<OpKind::kCompare, kT>, "A B"},
    {"", "BitShift", BitShiftInfer, LowerBinary<OpKind::kCompare, kT>, "X Y"},
    {"", "BitwiseAnd", BitwiseInfer, LowerBinary<OpKind::kCompare, kT>, "A B"},
    {"", "BitwiseOr", BitwiseInfer, LowerBinary<OpKind::kCompare, kT>, "A B"},
    {"", "BitwiseXor", BitwiseInfer, LowerBinary<OpKind::kCompare, kT>, "A B"},
    // selection and conversion (no arithmetic)
    {"", "Where", WhereInfer, nullptr, "condition X Y"},
    {"", "Identity", IdentityInfer, nullptr, "input"},
    {"", "Dropout", DropoutInfer, nullptr, "data ratio? training_mode?"},
    {"", "Cast", CastInfer, nullptr, "input"},
    {"", "CastLike", CastLikeInfer, nullptr, "input target_type"},
};

}  // namespace
}  // namespace elementwise

std::span<const OnnxOp> ElementwiseOnnxOps() { return elementwise::kOps; }

}  // namespace calflops::onnx
