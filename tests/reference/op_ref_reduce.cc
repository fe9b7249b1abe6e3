#include "reference/op_ref_reduce.h"

#include <algorithm>
#include <stdexcept>

#include "reference/scalar_more.h"

namespace reference {

namespace {
using calflops::OpKind;

/// One reduction of the n values `v` (n >= 1).
double ReduceValues(OpKind kind, const std::vector<double>& v) {
  auto n = v.size();
  auto fold = [&](double (*map)(double), double (*op)(double, double)) {
    double acc = map ? map(v[0]) : v[0];
    for (size_t i = 1; i < n; ++i) acc = op(acc, map ? map(v[i]) : v[i]);
    return acc;
  };
  auto square = [](double x) { return Mul(x, x); };
  switch (kind) {
    case OpKind::kMean: return Div(fold(nullptr, Add), static_cast<double>(n));
    case OpKind::kSum: return fold(nullptr, Add);
    case OpKind::kReduceMax: return fold(nullptr, Max);
    case OpKind::kProd: return fold(nullptr, Mul);
    case OpKind::kReduceL1: return fold(Abs, Add);
    case OpKind::kReduceL2: return Sqrt(fold(square, Add));
    case OpKind::kReduceSumSquare: return fold(square, Add);
    case OpKind::kReduceLogSum: return Log(std::fabs(fold(nullptr, Add)));
    // log(sum exp(x)) as written (no max subtracted: the ONNX definition, which the formula
    // prices).
    case OpKind::kReduceLogSumExp: return Log(fold(Exp, Add));
    default: throw std::invalid_argument("not a reduction kind");
  }
}
}  // namespace

Tensor ReduceRef(OpKind kind, const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  std::vector<int64_t> out_shape, kept_shape;
  for (int i = 0; i < x.rank(); ++i) {
    bool reduced = std::find(axes.begin(), axes.end(), i) != axes.end();
    kept_shape.push_back(reduced ? 1 : x.dim(i));
    if (!reduced || keepdims) out_shape.push_back(reduced ? 1 : x.dim(i));
  }
  Tensor out(kept_shape);
  std::vector<std::vector<double>> groups(static_cast<size_t>(out.numel()));
  for (int64_t flat = 0; flat < x.numel(); ++flat) {
    int64_t r = flat, o = 0, stride = 1;
    for (int i = x.rank() - 1; i >= 0; --i) {
      int64_t idx = r % x.dim(i);
      r /= x.dim(i);
      if (kept_shape[static_cast<size_t>(i)] != 1 || x.dim(i) == 1) o += idx * stride;
      stride *= kept_shape[static_cast<size_t>(i)];
    }
    groups[static_cast<size_t>(o)].push_back(x.at(flat));
  }
  for (size_t g = 0; g < groups.size(); ++g)
    if (!groups[g].empty()) out.at(static_cast<int64_t>(g)) = ReduceValues(kind, groups[g]);
  return out.Reshape(out_shape);
}

Tensor CumSumRef(const Tensor& x, int axis) {
  int64_t n = x.dim(axis), inner = 1;
  for (int i = axis + 1; i < x.rank(); ++i) inner *= x.dim(i);
  Tensor out = x;
  for (int64_t i = 0; i < x.numel(); ++i)
    if ((i / inner) % n != 0) out.at(i) = Add(out.at(i - inner), x.at(i));
  return out;
}

}  // namespace reference
