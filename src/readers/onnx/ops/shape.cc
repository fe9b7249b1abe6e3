// Shape computations and constants: Shape, Size, Constant, ConstantOfShape, Range, Reshape,
// Flatten, (Un)Squeeze. They carry the small integer tensors of shape arithmetic, so their
// contents are folded whenever the inputs are known; none does arithmetic on model data.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "readers/onnx/ops/rules.h"

namespace calflops::onnx {
namespace {

using namespace rules;  // NOLINT

// ---- Shape, Size, Constant ----

void ShapeInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  TensorInfo& out = c.out(0);
  out = TensorInfo::OfShape(kInt64, {-1});
  if (!in.rank_known) return;
  int r = in.rank();
  int64_t start = c.Int("start", 0), end = c.Int("end", r);
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = std::clamp<int64_t>(start, 0, r);
  end = std::clamp<int64_t>(end, 0, r);
  std::vector<int64_t> dims(in.dims.begin() + start, in.dims.begin() + std::max(start, end));
  out.dims = {static_cast<int64_t>(dims.size())};
  if (std::all_of(dims.begin(), dims.end(), [](int64_t d) { return d >= 0; })) SetValues(out, dims);
}

void SizeInfer(OpContext& c) {
  TensorInfo& out = c.out(0);
  out = TensorInfo::OfShape(kInt64, {});
  if (c.in(0).IsStatic()) SetValues(out, {c.in(0).numel()});
}

TensorInfo FromAttributeTensor(const Tensor& t) {
  TensorInfo info = TensorInfo::FromTensor(t);
  info.initializer = false;  // a Constant node's value, not a weight
  return info;
}

void ConstantInfer(OpContext& c) {
  TensorInfo& out = c.out(0);
  if (const Attribute* a = c.attr("value"); a && a->t) {
    out = FromAttributeTensor(*a->t);
  } else if ((a = c.attr("value_float"))) {
    out = TensorInfo::Reals(kFloat, {}, {a->f});
  } else if ((a = c.attr("value_floats"))) {
    out = TensorInfo::Reals(kFloat, {static_cast<int64_t>(a->floats.size())},
                            std::vector<double>(a->floats.begin(), a->floats.end()));
  } else if ((a = c.attr("value_int"))) {
    out = TensorInfo::Ints(kInt64, {}, {a->i});
  } else if ((a = c.attr("value_ints"))) {
    out = TensorInfo::Ints(kInt64, {static_cast<int64_t>(a->ints.size())}, a->ints);
  } else if ((a = c.attr("value_string"))) {
    out = TensorInfo::OfShape(kString, {});
  } else if ((a = c.attr("value_strings"))) {
    out = TensorInfo::OfShape(kString, {static_cast<int64_t>(a->strings.size())});
  } else if (c.attr("sparse_value")) {
    out = TensorInfo{};  // sparse constants: shape not read
  } else {
    c.Fail("Constant has no value attribute");
  }
}

void ConstantOfShapeInfer(OpContext& c) {
  TensorInfo& out = c.out(0);
  int32_t elem = kFloat;
  double fill = 0;
  if (const Attribute* a = c.attr("value"); a && a->t) {
    elem = a->t->data_type;
    if (a->t->has_values)
      fill = a->t->reals.empty() ? static_cast<double>(a->t->ints.at(0)) : a->t->reals.at(0);
  }
  out = TensorInfo{};
  out.elem = elem;
  auto shape = IntsOf(c, 0);
  if (!shape) {
    if (c.in(0).IsStatic() && c.in(0).rank() == 1 && c.in(0).dims[0] <= kMaxOnnxRank) {
      out.rank_known = true;
      out.dims.assign(static_cast<size_t>(c.in(0).dims[0]), -1);
    }
    return;
  }
  for (int64_t d : *shape)
    if (d < 0) c.Fail("negative dimension " + std::to_string(d) + " in the shape");
  out = TensorInfo::OfShape(elem, *shape);
  int64_t n = out.numel();
  if (n >= 0 && n <= kMaxFoldElements)
    SetReals(out, std::vector<double>(static_cast<size_t>(n), fill));
}

void RangeInfer(OpContext& c) {
  TensorInfo& out = c.out(0);
  out = TensorInfo::OfShape(ElemOf(c), {-1});
  const TensorInfo &s = c.in(0), &l = c.in(1), &d = c.in(2);
  if (!s.has_values || !l.has_values || !d.has_values) return;
  double start = s.RealAt(0), limit = l.RealAt(0), delta = d.RealAt(0);
  if (delta == 0) c.Fail("delta is 0");
  double count = std::max(std::ceil((limit - start) / delta), 0.0);
  if (!(count <= static_cast<double>(kMaxOnnxDim))) c.Fail("range of more than 2^53 elements");
  auto n = static_cast<int64_t>(count);
  out.dims = {n};
  if (n <= kMaxFoldElements) {
    std::vector<double> v;
    for (int64_t i = 0; i < n; ++i) v.push_back(start + static_cast<double>(i) * delta);
    if (IsInteger(out.elem)) {
      std::vector<int64_t> iv;
      int64_t is = s.IntAt(0), id = d.IntAt(0);
      for (int64_t i = 0; i < n; ++i) {
        iv.push_back(static_cast<int64_t>(static_cast<uint64_t>(is) +
                                          static_cast<uint64_t>(i) * static_cast<uint64_t>(id)));
      }
      SetValues(out, iv);
    } else {
      SetReals(out, v);
    }
  }
}

// ---- Reshape family ----

void ReshapeInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  TensorInfo& out = c.ResetOut(0, in.elem);
  std::vector<int64_t> shape;
  if (c.opset() < 5) {
    shape = c.Ints("shape");
  } else {
    auto v = IntsOf(c, 1);
    if (!v) {
      if (c.in(1).IsStatic() && c.in(1).rank() == 1 && c.in(1).dims[0] <= kMaxOnnxRank) {
        out.rank_known = true;
        out.dims.assign(static_cast<size_t>(c.in(1).dims[0]), -1);
      }
      return;
    }
    shape = *v;
  }
  bool allowzero = c.Int("allowzero", 0) != 0;
  int infer_at = -1;
  int64_t known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    int64_t& d = shape[i];
    if (d == 0 && !allowzero) {
      if (!in.rank_known || i >= in.dims.size()) {
        if (in.rank_known)
          c.Fail("shape entry " + std::to_string(i) + " copies a dimension the input lacks");
        d = -2;  // unknown copy
      } else {
        d = in.dims[i] < 0 ? -2 : in.dims[i];
      }
    }
    if (d == -1) {
      if (infer_at >= 0) c.Fail("more than one -1 in the shape");
      infer_at = static_cast<int>(i);
    } else if (d == -2) {
      known = -1;
    } else if (d < -1) {
      c.Fail("invalid shape entry " + std::to_string(d));
    } else if (known >= 0) {
      known = MulDim(known, d);
    }
  }
  for (int64_t& d : shape)
    if (d == -2) d = -1;
  if (infer_at >= 0) {
    int64_t total = in.numel();
    if (total >= 0 && known > 0) {
      if (total % known != 0) {
        c.Fail("cannot reshape " + in.ShapeString() + " (" + std::to_string(total) +
               " elements) to " + TensorInfo::OfShape(0, shape).ShapeString());
      }
      shape[static_cast<size_t>(infer_at)] = total / known;
    } else if (total == 0 && known == 0) {
      shape[static_cast<size_t>(infer_at)] = 0;
    }
  } else if (in.IsStatic() && known >= 0 && in.numel() != known) {
    c.Fail("cannot reshape " + in.ShapeString() + " to " +
           TensorInfo::OfShape(0, shape).ShapeString());
  }
  out.SetShape(shape);
  if (in.has_values && out.IsStatic() &&
      out.numel() == std::max<int64_t>(in.ints.size(), in.reals.size())) {
    out.has_values = true;
    out.ints = in.ints;
    out.reals = in.reals;
  }
}

void PassValues(const TensorInfo& in, TensorInfo& out) {
  if (in.has_values && out.IsStatic() &&
      out.numel() == static_cast<int64_t>(std::max(in.ints.size(), in.reals.size()))) {
    out.has_values = true;
    out.ints = in.ints;
    out.reals = in.reals;
  }
}

void FlattenInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  TensorInfo& out = c.ResetOut(0, in.elem);
  if (!in.rank_known) return;
  int r = in.rank();
  int64_t axis = c.Int("axis", 1);
  if (axis < 0) axis += r;
  if (axis < 0 || axis > r) c.Fail("axis out of range");
  int64_t a = 1, b = 1;
  for (int i = 0; i < r; ++i) {
    int64_t& p = i < axis ? a : b;
    p = MulDim(p, in.dims[static_cast<size_t>(i)]);
  }
  out.SetShape({a, b});
  PassValues(in, out);
}

void SqueezeInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  TensorInfo& out = c.ResetOut(0, in.elem);
  if (!in.rank_known) return;
  auto axes = Axes(c, 1, in.rank(), c.opset() >= 13);
  if (!axes) return;
  std::vector<int64_t> dims;
  for (int i = 0; i < in.rank(); ++i) {
    int64_t d = in.dims[static_cast<size_t>(i)];
    bool listed = std::find(axes->begin(), axes->end(), i) != axes->end();
    if (axes->empty()) {
      if (d < 0) return;  // which dims are 1 is unknown
      if (d == 1) continue;
    } else if (listed) {
      if (d > 1)
        c.Fail("cannot squeeze axis " + std::to_string(i) + " of size " + std::to_string(d));
      continue;
    }
    dims.push_back(d);
  }
  out.SetShape(dims);
  PassValues(in, out);
}

void UnsqueezeInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  TensorInfo& out = c.ResetOut(0, in.elem);
  if (!in.rank_known) return;
  std::vector<int64_t> raw;
  if (c.opset() >= 13) {
    auto v = IntsOf(c, 1);
    if (!v) return;
    raw = *v;
  } else {
    raw = c.Ints("axes");
  }
  int r = in.rank() + static_cast<int>(raw.size());
  std::vector<bool> at(static_cast<size_t>(r), false);
  for (int64_t a : raw) {
    int n = NormalizeAxis(a, r);
    if (n < 0 || at[static_cast<size_t>(n)]) c.Fail("bad or repeated axis " + std::to_string(a));
    at[static_cast<size_t>(n)] = true;
  }
  std::vector<int64_t> dims;
  size_t k = 0;
  for (int i = 0; i < r; ++i) dims.push_back(at[static_cast<size_t>(i)] ? 1 : in.dims[k++]);
  out.SetShape(dims);
  PassValues(in, out);
}

constexpr OnnxOp kOps[] = {
    {"", "Shape", ShapeInfer, nullptr, "data"},
    {"", "Size", SizeInfer, nullptr, "data"},
    {"", "Constant", ConstantInfer, nullptr, ""},
    {"", "ConstantOfShape", ConstantOfShapeInfer, nullptr, "input"},
    {"", "Reshape", ReshapeInfer, nullptr, "data | 5: data shape"},
    {"", "Flatten", FlattenInfer, nullptr, "input"},
    {"", "Squeeze", SqueezeInfer, nullptr, "data axes?"},
    {"", "Unsqueeze", UnsqueezeInfer, nullptr, "data | 13: data axes"},
    {"", "Range", RangeInfer, nullptr, "start limit delta"},
};

}  // namespace

std::span<const OnnxOp> ShapeOnnxOps() { return kOps; }

}  // namespace calflops::onnx
