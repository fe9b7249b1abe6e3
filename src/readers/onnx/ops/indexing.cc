// Selection by index or value: Gather*, Scatter*, OneHot, Compress, NonZero, Unique, TopK.
// Output sizes of the data-dependent ones are unknown unless their inputs are known.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "readers/onnx/ops/rules.h"

namespace calflops::onnx {
namespace {

using namespace rules;  // NOLINT

void GatherInfer(OpContext& c) {
  const TensorInfo& data = c.in(0);
  const TensorInfo& idx = c.in(1);
  TensorInfo& out = c.ResetOut(0, data.elem);
  if (!data.rank_known || !idx.rank_known) return;
  int r = data.rank();
  int axis = NormalizeAxis(c.Int("axis", 0), r);
  if (axis < 0) c.Fail("axis out of range for rank " + std::to_string(r));
  out.rank_known = true;
  out.dims.assign(data.dims.begin(), data.dims.begin() + axis);
  out.dims.insert(out.dims.end(), idx.dims.begin(), idx.dims.end());
  out.dims.insert(out.dims.end(), data.dims.begin() + axis + 1, data.dims.end());
  if (SmallKnown(data, out) && idx.has_values) {
    int64_t ax_len = data.dims[static_cast<size_t>(axis)];
    int64_t inner = 1;
    for (int k = axis + 1; k < r; ++k) inner *= data.dims[static_cast<size_t>(k)];
    int64_t n_idx = std::max<int64_t>(1, idx.numel());
    Permute(data, out, [&](int64_t flat) {
      int64_t in_inner = flat % inner;
      int64_t rest = flat / inner;
      int64_t which = rest % n_idx;
      int64_t outer = rest / n_idx;
      int64_t i = idx.IntAt(static_cast<size_t>(which));
      if (i < 0) i += ax_len;
      if (i < 0 || i >= ax_len) return int64_t{-1};
      return (outer * ax_len + i) * inner + in_inner;
    });
  }
}

void GatherElementsInfer(OpContext& c) { SameShape(c, 1, 0, c.in(0).elem); }

void GatherNdInfer(OpContext& c) {
  const TensorInfo& data = c.in(0);
  const TensorInfo& idx = c.in(1);
  TensorInfo& out = c.ResetOut(0, data.elem);
  if (!data.rank_known || !idx.rank_known || idx.rank() == 0) return;
  int64_t b = c.Int("batch_dims", 0);
  int64_t last = idx.dims.back();
  if (last < 0) return;
  if (b + last > data.rank()) c.Fail("indices address more dimensions than the data has");
  out.rank_known = true;
  out.dims.assign(idx.dims.begin(), idx.dims.end() - 1);
  out.dims.insert(out.dims.end(), data.dims.begin() + b + last, data.dims.end());
}

void ScatterInfer(OpContext& c) { SameShape(c); }

void OneHotInfer(OpContext& c) {
  const TensorInfo& idx = c.in(0);
  TensorInfo& out = c.ResetOut(0, c.in(2).elem);
  if (!idx.rank_known) return;
  int r = idx.rank() + 1;
  int axis = NormalizeAxis(c.Int("axis", -1), r);
  if (axis < 0) c.Fail("axis out of range");
  int64_t depth = c.in(1).has_values ? c.in(1).IntAt(0) : -1;
  out.SetShape(idx.dims);
  out.dims.insert(out.dims.begin() + axis, depth);
}

void CompressInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  const TensorInfo& cond = c.in(1);
  TensorInfo& out = c.ResetOut(0, in.elem);
  if (!in.rank_known) return;
  int64_t kept = -1;
  if (cond.has_values) {
    kept = 0;
    auto v = cond.AsInts();
    const Attribute* a = c.attr("axis");
    int64_t limit = a ? (NormalizeAxis(a->i, in.rank()) >= 0
                             ? in.dims[static_cast<size_t>(NormalizeAxis(a->i, in.rank()))]
                             : -1)
                      : in.numel();
    for (size_t i = 0; i < v.size() && (limit < 0 || static_cast<int64_t>(i) < limit); ++i)
      kept += v[i] != 0;
  }
  out.rank_known = true;
  if (const Attribute* a = c.attr("axis")) {
    int axis = NormalizeAxis(a->i, in.rank());
    if (axis < 0) c.Fail("axis out of range");
    out.dims = in.dims;
    out.dims[static_cast<size_t>(axis)] = kept;
  } else {
    out.dims = {kept};
  }
}

void NonZeroInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  TensorInfo& out = c.out(0);
  out = TensorInfo::OfShape(kInt64, {in.rank_known ? in.rank() : -1, -1});
  if (in.has_values && in.IsStatic()) {
    int64_t n = 0;
    size_t total = std::max(in.ints.size(), in.reals.size());
    for (size_t i = 0; i < total; ++i) n += in.RealAt(i) != 0.0;
    out.dims[1] = n;
  }
}

void UniqueInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  for (size_t i = 0; i < c.num_outputs(); ++i)
    c.out(i) = TensorInfo::OfShape(i == 0 ? in.elem : kInt64, {-1});
  if (c.attr("axis") == nullptr && in.has_values) {
    std::set<double> u;
    size_t total = std::max(in.ints.size(), in.reals.size());
    for (size_t i = 0; i < total; ++i) u.insert(in.RealAt(i));
    auto n = static_cast<int64_t>(u.size());
    c.out(0).dims = {n};
    if (c.num_outputs() > 1) c.out(1).dims = {n};
    if (c.num_outputs() > 2) c.out(2).dims = {static_cast<int64_t>(total)};
    if (c.num_outputs() > 3) c.out(3).dims = {n};
  } else if (c.attr("axis") == nullptr && c.num_outputs() > 2 && in.IsStatic()) {
    c.out(2).dims = {in.numel()};
  }
}

void TopKInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  for (size_t i = 0; i < c.num_outputs(); ++i) {
    c.out(i) = TensorInfo{};
    c.out(i).elem = i == 0 ? in.elem : kInt64;
  }
  if (!in.rank_known) return;
  int axis = NormalizeAxis(c.Int("axis", -1), in.rank());
  if (axis < 0) c.Fail("axis out of range");
  int64_t k = -1;
  if (c.opset() < 10) {
    k = c.Int("k", -1);
  } else if (c.in(1).has_values) {
    k = c.in(1).IntAt(0);
  }
  for (size_t i = 0; i < c.num_outputs(); ++i) {
    c.out(i).rank_known = true;
    c.out(i).dims = in.dims;
    c.out(i).dims[static_cast<size_t>(axis)] = k;
  }
}

/// TopK along `axis` is torch.topk along that dim: the cost table's TopK works on the last one.
void LowerTopK(LowerContext& l) {
  Shape x = l.InShape(0);
  int axis = NormalizeAxis(l.ctx().Int("axis", -1), x.rank());
  if (axis < 0) return;
  Shape moved, out;
  for (int i = 0; i < x.rank(); ++i)
    if (i != axis) moved.push_back(x[i]);
  moved.push_back(x[axis]);
  int64_t k = l.OutShape(0)[axis];
  out = moved.WithLast(k);
  l.Emit(OpKind::kTopK, CallForm::kTorch, {moved}, out, k);
}

constexpr OnnxOp kOps[] = {
    {"", "Gather", GatherInfer, nullptr, "data indices"},
    {"", "GatherElements", GatherElementsInfer, nullptr, "data indices"},
    {"", "GatherND", GatherNdInfer, nullptr, "data indices"},
    {"", "Scatter", ScatterInfer, nullptr, "data indices updates"},
    {"", "ScatterElements", ScatterInfer, nullptr, "data indices updates"},
    {"", "ScatterND", ScatterInfer, nullptr, "data indices updates"},
    {"", "OneHot", OneHotInfer, nullptr, "indices depth values"},
    {"", "Compress", CompressInfer, nullptr, "input condition"},
    {"", "NonZero", NonZeroInfer, nullptr, "X"},
    {"", "Unique", UniqueInfer, NotCosted, "X"},
    {"", "TopK", TopKInfer, LowerTopK, "X | 10: X K"},
};

}  // namespace

std::span<const OnnxOp> IndexingOnnxOps() { return kOps; }

}  // namespace calflops::onnx
