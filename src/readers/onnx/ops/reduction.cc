// Reductions (ReduceSum / Mean / Max / Min / Prod / L1 / L2 / SumSquare / LogSum / LogSumExp,
// ArgMax / ArgMin): axes from the attribute (older opsets) or the second input (ReduceSum from
// opset 13, the others from 18), keepdims, noop_with_empty_axes.
#include <algorithm>
#include <cmath>

#include "readers/onnx/ops/rules.h"

namespace calflops::onnx {
namespace {

using namespace rules;  // NOLINT

bool AxesFromInput(const OpContext& c) {
  return c.node().op_type == "ReduceSum" ? c.opset() >= 13 : c.opset() >= 18;
}

/// The reduced axes (all of them when none are given), or nullopt when unknown; `noop` set when
/// the op is an identity.
std::optional<std::vector<int64_t>> ReducedAxes(const OpContext& c, int rank, bool& noop) {
  noop = false;
  auto axes = Axes(c, 1, rank, AxesFromInput(c));
  if (!axes) return std::nullopt;
  if (axes->empty()) {
    if (c.Int("noop_with_empty_axes", 0) != 0) {
      noop = true;
      return axes;
    }
    for (int i = 0; i < rank; ++i) axes->push_back(i);
  }
  return axes;
}

void ReduceInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  TensorInfo& out = c.ResetOut(0, x.elem);
  if (!x.rank_known) return;
  bool keep = c.Int("keepdims", 1) != 0;
  bool noop = false;
  auto axes = ReducedAxes(c, x.rank(), noop);
  if (!axes) {
    if (keep) {
      out.rank_known = true;
      out.dims.assign(x.dims.size(), -1);
    }
    return;
  }
  if (noop) {
    out = x;
    out.initializer = false;
    return;
  }
  out.rank_known = true;
  for (int i = 0; i < x.rank(); ++i) {
    bool reduced = std::find(axes->begin(), axes->end(), i) != axes->end();
    if (!reduced)
      out.dims.push_back(x.dims[static_cast<size_t>(i)]);
    else if (keep)
      out.dims.push_back(1);
  }
  // Fold reductions of small known tensors over every axis (shape arithmetic: ReduceProd of a
  // shape, ReduceMax of sizes).
  if (x.has_values && static_cast<int>(axes->size()) == x.rank() && out.IsStatic()) {
    std::string_view op = c.node().op_type;
    size_t n = std::max(x.ints.size(), x.reals.size());
    if (n == 0) return;
    double acc = op == "ReduceProd"  ? 1
                 : op == "ReduceMax" ? -INFINITY
                 : op == "ReduceMin" ? INFINITY
                                     : 0;
    for (size_t i = 0; i < n; ++i) {
      double v = x.RealAt(i);
      if (op == "ReduceSum" || op == "ReduceMean")
        acc += v;
      else if (op == "ReduceProd")
        acc *= v;
      else if (op == "ReduceMax")
        acc = std::max(acc, v);
      else if (op == "ReduceMin")
        acc = std::min(acc, v);
      else
        return;
    }
    if (op == "ReduceMean") acc /= static_cast<double>(n);
    // Integer contents are summed in double: beyond 2^53 the sum is no longer exact, and beyond
    // int64 it would saturate; either way the value is unknown rather than made up.
    if (IsInteger(out.elem) && !(std::fabs(acc) <= 9007199254740992.0)) return;
    SetReals(out, {acc});
  }
}

void ArgInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  TensorInfo& out = c.ResetOut(0, kInt64);
  if (!x.rank_known) return;
  int axis = NormalizeAxis(c.Int("axis", 0), x.rank());
  if (axis < 0) c.Fail("axis out of range");
  bool keep = c.Int("keepdims", 1) != 0;
  out.rank_known = true;
  for (int i = 0; i < x.rank(); ++i) {
    if (i != axis)
      out.dims.push_back(x.dims[static_cast<size_t>(i)]);
    else if (keep)
      out.dims.push_back(1);
  }
}

template <OpKind K>
void LowerReduce(LowerContext& l) {
  if (l.ctx().num_outputs() > 0 && l.ctx().out(0).numel() == l.ctx().in(0).numel()) {
    return;  // nothing reduced (noop or size-1 axes)
  }
  l.Emit(K, CallForm::kTorch, {l.InShape(0)}, l.OutShape(0));
}

constexpr OnnxOp kOps[] = {
    {"", "ReduceSum", ReduceInfer, LowerReduce<OpKind::kSum>, "data axes?"},
    {"", "ReduceMean", ReduceInfer, LowerReduce<OpKind::kMean>, "data axes?"},
    {"", "ReduceMax", ReduceInfer, LowerReduce<OpKind::kReduceMax>, "data axes?"},
    {"", "ReduceMin", ReduceInfer, LowerReduce<OpKind::kReduceMax>, "data axes?"},
    {"", "ReduceProd", ReduceInfer, LowerReduce<OpKind::kProd>, "data axes?"},
    {"", "ReduceL1", ReduceInfer, LowerReduce<OpKind::kReduceL1>, "data axes?"},
    {"", "ReduceL2", ReduceInfer, LowerReduce<OpKind::kReduceL2>, "data axes?"},
    {"", "ReduceSumSquare", ReduceInfer, LowerReduce<OpKind::kReduceSumSquare>, "data axes?"},
    {"", "ReduceLogSum", ReduceInfer, LowerReduce<OpKind::kReduceLogSum>, "data axes?"},
    {"", "ReduceLogSumExp", ReduceInfer, LowerReduce<OpKind::kReduceLogSumExp>, "data axes?"},
    {"", "ArgMax", ArgInfer, LowerReduce<OpKind::kReduceMax>, "data"},
    {"", "ArgMin", ArgInfer, LowerReduce<OpKind::kReduceMax>, "data"},
};

}  // namespace

std::span<const OnnxOp> ReductionOnnxOps() { return kOps; }

}  // namespace calflops::onnx
