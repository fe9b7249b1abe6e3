// Control flow: If, Loop, Scan. Bodies are inferred through the engine (SubgraphRunner), with
// outer values visible; their costs count once per execution: the taken branch of an If with a
// known condition, trip-count x the body of a Loop, sequence-length x the body of a Scan. Bodies
// whose execution count is unknown are inferred for shapes only and reported.
#include <algorithm>

#include "readers/onnx/ops/rules.h"

namespace calflops::onnx {
namespace {

using namespace rules;  // NOLINT

/// Two possible shapes of one value: dims that agree are kept, others become unknown.
TensorInfo Merge(const TensorInfo& a, const TensorInfo& b) {
  TensorInfo m;
  m.kind = a.kind;
  m.elem = a.elem != kUndefined ? a.elem : b.elem;
  if (a.rank_known && b.rank_known && a.rank() == b.rank()) {
    m.rank_known = true;
    for (size_t i = 0; i < a.dims.size(); ++i)
      m.dims.push_back(a.dims[i] == b.dims[i] ? a.dims[i] : -1);
  }
  return m;
}

void SetOutputs(OpContext& c, const std::vector<TensorInfo>& values, size_t from = 0) {
  for (size_t i = 0; i + from < values.size() && i < c.num_outputs(); ++i)
    c.out(i) = values[i + from];
}

void IfInfer(OpContext& c) {
  const Graph* then_g = c.Subgraph("then_branch");
  const Graph* else_g = c.Subgraph("else_branch");
  if (!then_g || !else_g) c.Fail("If needs then_branch and else_branch graphs");
  if (!c.runner()) return;
  const TensorInfo& cond = c.in(0);
  if (cond.has_values && std::max(cond.ints.size(), cond.reals.size()) >= 1) {
    bool taken = cond.RealAt(0) != 0.0;
    SetOutputs(c, c.runner()->Run(taken ? *then_g : *else_g, {}, 1));
    return;
  }
  std::vector<TensorInfo> a = c.runner()->Run(*then_g, {}, 0);
  std::vector<TensorInfo> b = c.runner()->Run(*else_g, {}, 0);
  for (size_t i = 0; i < c.num_outputs() && i < a.size() && i < b.size(); ++i)
    c.out(i) = Merge(a[i], b[i]);
  c.Note("condition unknown: branches not counted");
}

void LoopInfer(OpContext& c) {
  const Graph* body = c.Subgraph("body");
  if (!body) c.Fail("Loop needs a body graph");
  if (!c.runner()) return;
  int64_t trips = -1;
  if (c.has(0) && c.in(0).has_values) trips = c.in(0).IntAt(0);
  size_t carried = c.num_inputs() >= 2 ? c.num_inputs() - 2 : 0;
  std::vector<TensorInfo> ins;
  ins.push_back(TensorInfo::OfShape(kInt64, {}));  // iteration number
  ins.push_back(TensorInfo::OfShape(kBool, {}));   // condition
  for (size_t i = 0; i < carried; ++i) {
    TensorInfo v = c.in(i + 2);
    v.has_values = false;  // changes from iteration to iteration
    v.ints.clear();
    v.reals.clear();
    v.initializer = false;
    ins.push_back(v);
  }
  std::vector<TensorInfo> outs = c.runner()->Run(*body, ins, trips >= 0 ? trips : 0);
  if (trips < 0) c.Note("trip count unknown: body not counted");
  for (size_t i = 0; i < c.num_outputs(); ++i) {
    if (i + 1 >= outs.size()) break;
    if (i < carried) {
      c.out(i) = Merge(outs[i + 1], ins[i + 2]);
    } else {
      TensorInfo t = outs[i + 1];  // scan output: one slice per iteration, stacked
      t.has_values = false;
      t.ints.clear();
      t.reals.clear();
      if (t.rank_known) t.dims.insert(t.dims.begin(), trips);
      c.out(i) = t;
    }
  }
}

void ScanInfer(OpContext& c) {
  const Graph* body = c.Subgraph("body");
  if (!body) c.Fail("Scan needs a body graph");
  if (!c.runner()) return;
  if (c.opset() < 9) c.Fail("Scan-8 (batched form) is not supported");
  int64_t n_scan = c.Int("num_scan_inputs", 0);
  size_t n_state = c.num_inputs() - static_cast<size_t>(n_scan);
  std::vector<int64_t> in_axes = c.Ints("scan_input_axes"), out_axes = c.Ints("scan_output_axes");
  std::vector<TensorInfo> ins;
  int64_t trips = -1;
  for (size_t i = 0; i < c.num_inputs(); ++i) {
    TensorInfo v = c.in(i);
    v.has_values = false;
    v.ints.clear();
    v.reals.clear();
    v.initializer = false;
    if (i >= n_state && v.rank_known) {
      size_t k = i - n_state;
      int axis = NormalizeAxis(k < in_axes.size() ? in_axes[k] : 0, v.rank());
      if (axis < 0) c.Fail("scan_input_axes out of range");
      trips = v.dims[static_cast<size_t>(axis)];
      v.dims.erase(v.dims.begin() + axis);
    }
    ins.push_back(v);
  }
  std::vector<TensorInfo> outs = c.runner()->Run(*body, ins, trips >= 0 ? trips : 0);
  if (trips < 0) c.Note("sequence length unknown: body not counted");
  for (size_t i = 0; i < c.num_outputs() && i < outs.size(); ++i) {
    TensorInfo t = outs[i];
    if (i >= n_state && t.rank_known) {
      size_t k = i - n_state;
      int axis = NormalizeAxis(k < out_axes.size() ? out_axes[k] : 0, t.rank() + 1);
      if (axis < 0) c.Fail("scan_output_axes out of range");
      t.dims.insert(t.dims.begin() + axis, trips);
    }
    c.out(i) = t;
  }
}

constexpr OnnxOp kOps[] = {
    {"", "If", IfInfer, nullptr, "cond"},
    {"", "Loop", LoopInfer, nullptr, "M? cond? v_initial... | 11: M? cond? v_initial?..."},
    {"", "Scan", ScanInfer, nullptr,
     "sequence_lens? initial_state_and_scan_inputs... | 9: initial_state_and_scan_inputs..."},
};

}  // namespace

std::span<const OnnxOp> ControlFlowOnnxOps() { return kOps; }

}  // namespace calflops::onnx
