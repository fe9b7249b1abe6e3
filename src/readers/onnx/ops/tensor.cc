// Shape and data-movement operators: Shape, Size, Reshape, Flatten, (Un)Squeeze, Transpose,
// Concat, Split, Slice, Gather*, Scatter*, Expand, Tile, Pad, Constant, ConstantOfShape, Range,
// OneHot, Depth/SpaceToDepth, Compress, NonZero, Unique, TopK, Trilu, ... They move or select
// data (no arithmetic), and carry the small integer tensors of shape computations, so their
// contents are folded whenever the inputs are known.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "readers/onnx/ops/rules.h"

namespace calflops::onnx {
namespace {

using namespace rules;  // NOLINT

std::vector<int64_t> Strides(const std::vector<int64_t>& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
  return s;
}

/// Copies contents element `from` of `src` to the end of `dst`'s contents.
void PushElement(TensorInfo& dst, const TensorInfo& src, size_t from) {
  if (!src.ints.empty()) {
    dst.ints.push_back(src.ints[from]);
  } else {
    dst.reals.push_back(src.reals[from]);
  }
}

bool SmallKnown(const TensorInfo& in, const TensorInfo& out) {
  return in.has_values && out.IsStatic() && out.numel() <= kMaxFoldElements;
}

/// Contents of `out` gathered from `in` by a function of the output flat index.
template <typename F>
void Permute(const TensorInfo& in, TensorInfo& out, F source_index) {
  if (!SmallKnown(in, out)) return;
  int64_t n = out.numel();
  out.ints.clear();
  out.reals.clear();
  for (int64_t i = 0; i < n; ++i) {
    int64_t j = source_index(i);
    if (j < 0) return;
    PushElement(out, in, static_cast<size_t>(j));
  }
  out.has_values = true;
}

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

void TransposeInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  TensorInfo& out = c.ResetOut(0, in.elem);
  if (!in.rank_known) return;
  int r = in.rank();
  std::vector<int64_t> perm = c.Ints("perm");
  if (perm.empty()) {
    for (int i = r - 1; i >= 0; --i) perm.push_back(i);
  }
  if (static_cast<int>(perm.size()) != r)
    c.Fail("perm has " + std::to_string(perm.size()) + " entries for rank " + std::to_string(r));
  std::vector<bool> seen(static_cast<size_t>(r), false);
  out.rank_known = true;
  for (int64_t p : perm) {
    int n = NormalizeAxis(p, r);
    if (n < 0 || seen[static_cast<size_t>(n)]) c.Fail("perm is not a permutation");
    seen[static_cast<size_t>(n)] = true;
    out.dims.push_back(in.dims[static_cast<size_t>(n)]);
  }
  if (SmallKnown(in, out)) {
    auto is = Strides(in.dims), os = Strides(out.dims);
    Permute(in, out, [&](int64_t flat) {
      int64_t src = 0;
      for (int k = 0; k < r; ++k) {
        int64_t coord = (flat / os[static_cast<size_t>(k)]) % out.dims[static_cast<size_t>(k)];
        src += coord * is[static_cast<size_t>(NormalizeAxis(perm[static_cast<size_t>(k)], r))];
      }
      return src;
    });
  }
}

void ConcatInfer(OpContext& c) {
  TensorInfo& out = c.ResetOut(0, ElemOf(c));
  int rank = -1;
  for (size_t i = 0; i < c.num_inputs(); ++i) {
    if (c.has(i) && c.in(i).rank_known) rank = c.in(i).rank();
  }
  if (rank < 0) return;
  int axis = NormalizeAxis(c.Int("axis", 0), rank);
  if (axis < 0) c.Fail("axis out of range for rank " + std::to_string(rank));
  std::vector<int64_t> dims(static_cast<size_t>(rank), -1);
  int64_t sum = 0;
  for (size_t i = 0; i < c.num_inputs(); ++i) {
    if (!c.has(i)) continue;
    const TensorInfo& t = c.in(i);
    if (!t.rank_known) {
      sum = -1;
      continue;
    }
    if (t.rank() != rank)
      c.Fail("inputs of ranks " + std::to_string(rank) + " and " + std::to_string(t.rank()));
    for (int k = 0; k < rank; ++k) {
      int64_t d = t.dims[static_cast<size_t>(k)];
      if (k == axis) {
        sum = (sum < 0 || d < 0) ? -1 : sum + d;
      } else if (d >= 0) {
        if (dims[static_cast<size_t>(k)] >= 0 && dims[static_cast<size_t>(k)] != d) {
          c.Fail("inputs disagree on dimension " + std::to_string(k) + ": " +
                 std::to_string(dims[static_cast<size_t>(k)]) + " vs " + std::to_string(d));
        }
        dims[static_cast<size_t>(k)] = d;
      }
    }
  }
  dims[static_cast<size_t>(axis)] = sum;
  out.SetShape(dims);
  // Contents: concatenation along the axis (shape vectors are 1-D; any rank works).
  if (!out.IsStatic() || out.numel() > kMaxFoldElements) return;
  int64_t outer = 1;
  for (int k = 0; k < axis; ++k) outer *= dims[static_cast<size_t>(k)];
  TensorInfo v = out;
  for (int64_t o = 0; o < outer; ++o) {
    for (size_t i = 0; i < c.num_inputs(); ++i) {
      if (!c.has(i)) continue;
      const TensorInfo& t = c.in(i);
      if (!t.has_values) return;
      int64_t chunk = t.numel() / std::max<int64_t>(outer, 1);
      for (int64_t j = 0; j < chunk; ++j) {
        size_t from = static_cast<size_t>(o * chunk + j);
        if (IsInteger(out.elem))
          v.ints.push_back(t.IntAt(from));
        else
          v.reals.push_back(t.RealAt(from));
      }
    }
  }
  v.has_values = true;
  out = std::move(v);
}

void SplitInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  size_t n_out = c.num_outputs();
  for (size_t i = 0; i < n_out; ++i) {
    c.out(i) = TensorInfo{};
    c.out(i).elem = in.elem;
  }
  if (!in.rank_known) return;
  int axis = NormalizeAxis(c.Int("axis", 0), in.rank());
  if (axis < 0) c.Fail("axis out of range");
  int64_t len = in.dims[static_cast<size_t>(axis)];
  std::vector<int64_t> parts;
  if (c.opset() >= 13 && c.has(1)) {
    auto v = IntsOf(c, 1);
    if (!v) {
      for (size_t i = 0; i < n_out; ++i) {
        c.out(i).rank_known = true;
        c.out(i).dims = in.dims;
        c.out(i).dims[static_cast<size_t>(axis)] = -1;
      }
      return;
    }
    parts = *v;
  } else if (c.opset() < 13 && c.attr("split")) {
    parts = c.Ints("split");
  } else {
    int64_t k = c.Int("num_outputs", static_cast<int64_t>(n_out));
    if (k <= 0) c.Fail("num_outputs must be positive");
    if (len >= 0) {
      int64_t each = (len + k - 1) / k;  // the last chunk may be smaller (opset 18)
      for (int64_t i = 0; i < k; ++i)
        parts.push_back(std::max<int64_t>(0, std::min(each, len - i * each)));
    } else {
      parts.assign(static_cast<size_t>(k), -1);
    }
  }
  if (parts.size() != n_out)
    c.Fail("split has " + std::to_string(parts.size()) + " parts for " + std::to_string(n_out) +
           " outputs");
  int64_t total = 0;
  for (int64_t p : parts) total = (p < 0 || total < 0) ? -1 : total + p;
  if (len >= 0 && total >= 0 && total != len)
    c.Fail("split sizes sum to " + std::to_string(total) + ", axis has " + std::to_string(len));
  int64_t start = 0;
  for (size_t i = 0; i < n_out; ++i) {
    TensorInfo& o = c.out(i);
    o.rank_known = true;
    o.dims = in.dims;
    o.dims[static_cast<size_t>(axis)] = parts[i];
    if (in.rank() == 1 && in.has_values && parts[i] >= 0 && start >= 0) {
      for (int64_t j = 0; j < parts[i]; ++j) PushElement(o, in, static_cast<size_t>(start + j));
      o.has_values = true;
    }
    start = (start < 0 || parts[i] < 0) ? -1 : start + parts[i];
  }
}

void SliceInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  TensorInfo& out = c.ResetOut(0, in.elem);
  if (!in.rank_known) return;
  int r = in.rank();
  std::vector<int64_t> starts, ends, axes, steps;
  if (c.opset() < 10) {
    starts = c.Ints("starts");
    ends = c.Ints("ends");
    axes = c.Ints("axes");
  } else {
    auto s = IntsOf(c, 1), e = IntsOf(c, 2);
    std::optional<std::vector<int64_t>> a, st;
    if (c.has(3)) a = IntsOf(c, 3);
    if (c.has(4)) st = IntsOf(c, 4);
    if (!s || !e || (c.has(3) && !a) || (c.has(4) && !st)) {
      // Unknown bounds: the sliced axes lose their size, the rest keep it when axes are known.
      out.rank_known = true;
      out.dims.assign(static_cast<size_t>(r), -1);
      if (a) {
        out.dims = in.dims;
        for (int64_t x : *a) {
          int n = NormalizeAxis(x, r);
          if (n >= 0) out.dims[static_cast<size_t>(n)] = -1;
        }
      }
      return;
    }
    starts = *s;
    ends = *e;
    if (a) axes = *a;
    if (st) steps = *st;
  }
  if (axes.empty()) {
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    c.Fail("starts, ends, axes and steps differ in length");
  }
  out.SetShape(in.dims);
  std::vector<int64_t> first(static_cast<size_t>(r), 0), step(static_cast<size_t>(r), 1);
  for (size_t i = 0; i < starts.size(); ++i) {
    int ax = NormalizeAxis(axes[i], r);
    if (ax < 0) c.Fail("axis " + std::to_string(axes[i]) + " out of range");
    int64_t d = in.dims[static_cast<size_t>(ax)];
    int64_t sp = steps[i];
    if (sp == 0) c.Fail("step 0");
    if (d < 0) {
      out.dims[static_cast<size_t>(ax)] = -1;
      continue;
    }
    int64_t s = starts[i], e = ends[i];
    if (s < 0) s += d;
    if (e < 0) e += d;
    int64_t len;
    if (sp > 0) {
      s = std::clamp<int64_t>(s, 0, d);
      e = std::clamp<int64_t>(e, 0, d);
      len = e > s ? (e - s + sp - 1) / sp : 0;
    } else {
      s = std::clamp<int64_t>(s, 0, d - 1);
      e = std::clamp<int64_t>(e, -1, d - 1);
      len = s > e ? (s - e + (-sp) - 1) / (-sp) : 0;
    }
    out.dims[static_cast<size_t>(ax)] = len;
    first[static_cast<size_t>(ax)] = s;
    step[static_cast<size_t>(ax)] = sp;
  }
  if (SmallKnown(in, out)) {
    auto is = Strides(in.dims), os = Strides(out.dims);
    Permute(in, out, [&](int64_t flat) {
      int64_t src = 0;
      for (int k = 0; k < r; ++k) {
        int64_t coord = (flat / os[static_cast<size_t>(k)]) % out.dims[static_cast<size_t>(k)];
        src += (first[static_cast<size_t>(k)] + coord * step[static_cast<size_t>(k)]) *
               is[static_cast<size_t>(k)];
      }
      return src;
    });
  }
}

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

void ExpandInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  TensorInfo& out = c.ResetOut(0, in.elem);
  auto shape = IntsOf(c, 1);
  if (!shape || !in.rank_known) {
    if (c.in(1).IsStatic() && c.in(1).rank() == 1 && in.rank_known &&
        c.in(1).dims[0] <= kMaxOnnxRank) {
      out.rank_known = true;
      out.dims.assign(static_cast<size_t>(std::max<int64_t>(c.in(1).dims[0], in.rank())), -1);
    }
    return;
  }
  std::vector<int64_t> dims;
  if (!BroadcastDims(in.dims, *shape, dims)) {
    c.Fail("cannot expand " + in.ShapeString() + " to " +
           TensorInfo::OfShape(0, *shape).ShapeString());
  }
  out.SetShape(dims);
  if (SmallKnown(in, out)) {
    auto os = Strides(out.dims);
    auto is = Strides(in.dims);
    size_t off = out.dims.size() - in.dims.size();
    Permute(in, out, [&](int64_t flat) {
      int64_t src = 0;
      for (size_t k = 0; k < in.dims.size(); ++k) {
        int64_t coord = (flat / os[k + off]) % out.dims[k + off];
        src += (in.dims[k] == 1 ? 0 : coord) * is[k];
      }
      return src;
    });
  }
}

void TileInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  TensorInfo& out = c.ResetOut(0, in.elem);
  if (!in.rank_known) return;
  out.rank_known = true;
  out.dims.assign(in.dims.size(), -1);
  auto reps = IntsOf(c, 1);
  if (!reps) return;
  if (reps->size() != in.dims.size())
    c.Fail("repeats has " + std::to_string(reps->size()) + " entries for rank " +
           std::to_string(in.rank()));
  for (size_t i = 0; i < in.dims.size(); ++i) {
    if ((*reps)[i] < 0) c.Fail("negative repeat");
    out.dims[i] = MulDim(in.dims[i], (*reps)[i]);
  }
  if (SmallKnown(in, out)) {
    auto os = Strides(out.dims), is = Strides(in.dims);
    Permute(in, out, [&](int64_t flat) {
      int64_t src = 0;
      for (size_t k = 0; k < in.dims.size(); ++k)
        src += ((flat / os[k]) % out.dims[k] % in.dims[k]) * is[k];
      return src;
    });
  }
}

void PadInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  TensorInfo& out = c.ResetOut(0, in.elem);
  if (!in.rank_known) return;
  int r = in.rank();
  out.rank_known = true;
  out.dims.assign(static_cast<size_t>(r), -1);
  std::vector<int64_t> pads;
  if (c.opset() < 11) {
    pads = c.Ints("pads");
    if (pads.empty()) pads = c.Ints("paddings");
  } else {
    auto v = IntsOf(c, 1);
    if (!v) return;
    pads = *v;
  }
  std::vector<int64_t> axes;
  if (c.opset() >= 18 && c.has(3)) {
    auto a = Axes(c, 3, r, true);
    if (!a) return;
    axes = *a;
  } else {
    for (int i = 0; i < r; ++i) axes.push_back(i);
  }
  if (pads.size() != 2 * axes.size())
    c.Fail("pads has " + std::to_string(pads.size()) + " entries for " +
           std::to_string(axes.size()) + " axes");
  out.dims = in.dims;
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t& d = out.dims[static_cast<size_t>(axes[i])];
    if (d >= 0) {
      int64_t v = AddDim(d, 0) + pads[i] + pads[i + axes.size()];
      if (std::abs(pads[i]) > kMaxOnnxDim || std::abs(pads[i + axes.size()]) > kMaxOnnxDim ||
          v < 0) {
        c.Fail("pads out of range");
      }
      d = v;
    }
  }
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

void DepthToSpaceInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  TensorInfo& out = c.ResetOut(0, in.elem);
  if (!in.rank_known) return;
  if (in.rank() != 4) c.Fail("input must be 4-D");
  int64_t b = c.Int("blocksize", 1);
  if (b <= 0) c.Fail("blocksize must be positive");
  if (b > (int64_t{1} << 20)) c.Fail("blocksize out of range");
  auto mul = [](int64_t d, int64_t k) { return MulDim(d, k); };
  auto div = [](int64_t d, int64_t k) { return d < 0 ? -1 : d / k; };
  out.rank_known = true;
  if (c.node().op_type == "DepthToSpace") {
    out.dims = {in.dims[0], div(in.dims[1], b * b), mul(in.dims[2], b), mul(in.dims[3], b)};
  } else {
    out.dims = {in.dims[0], mul(in.dims[1], b * b), div(in.dims[2], b), div(in.dims[3], b)};
  }
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

void SameAsInput(OpContext& c) { SameShape(c); }

void EyeLikeInfer(OpContext& c) {
  SameShape(c, 0, 0, static_cast<int32_t>(c.Int("dtype", c.in(0).elem)));
}

void CenterCropPadInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  TensorInfo& out = c.ResetOut(0, in.elem);
  if (!in.rank_known) return;
  auto shape = IntsOf(c, 1);
  auto axes = Axes(c, 0, in.rank(), false);
  out.SetShape(in.dims);
  if (!shape || !axes) {
    out.dims.assign(in.dims.size(), -1);
    return;
  }
  if (axes->empty()) {
    for (int i = 0; i < in.rank(); ++i) axes->push_back(i);
  }
  if (shape->size() != axes->size()) c.Fail("shape and axes differ in length");
  for (size_t i = 0; i < axes->size(); ++i) out.dims[static_cast<size_t>((*axes)[i])] = (*shape)[i];
}

void Col2ImInfer(OpContext& c) {
  const TensorInfo& in = c.in(0);
  TensorInfo& out = c.ResetOut(0, in.elem);
  auto image = IntsOf(c, 1), block = IntsOf(c, 2);
  if (!in.rank_known || !image || !block) return;
  int64_t prod = 1;
  for (int64_t b : *block) prod = MulDim(prod, std::max<int64_t>(b, 0));
  out.SetShape({in.dims[0], in.dims[1] < 0 || prod == 0 ? -1 : in.dims[1] / prod});
  out.dims.insert(out.dims.end(), image->begin(), image->end());
}

constexpr OnnxOp kOps[] = {
    {"", "Shape", ShapeInfer, nullptr},
    {"", "Size", SizeInfer, nullptr},
    {"", "Constant", ConstantInfer, nullptr},
    {"", "ConstantOfShape", ConstantOfShapeInfer, nullptr},
    {"", "Reshape", ReshapeInfer, nullptr},
    {"", "Flatten", FlattenInfer, nullptr},
    {"", "Squeeze", SqueezeInfer, nullptr},
    {"", "Unsqueeze", UnsqueezeInfer, nullptr},
    {"", "Transpose", TransposeInfer, nullptr},
    {"", "Concat", ConcatInfer, nullptr},
    {"", "Split", SplitInfer, nullptr},
    {"", "Slice", SliceInfer, nullptr},
    {"", "Gather", GatherInfer, nullptr},
    {"", "GatherElements", GatherElementsInfer, nullptr},
    {"", "GatherND", GatherNdInfer, nullptr},
    {"", "Scatter", ScatterInfer, nullptr},
    {"", "ScatterElements", ScatterInfer, nullptr},
    {"", "ScatterND", ScatterInfer, nullptr},
    {"", "Expand", ExpandInfer, nullptr},
    {"", "Tile", TileInfer, nullptr},
    {"", "Pad", PadInfer, nullptr},
    {"", "Range", RangeInfer, nullptr},
    {"", "OneHot", OneHotInfer, nullptr},
    {"", "DepthToSpace", DepthToSpaceInfer, nullptr},
    {"", "SpaceToDepth", DepthToSpaceInfer, nullptr},
    {"", "Compress", CompressInfer, nullptr},
    {"", "NonZero", NonZeroInfer, nullptr},
    {"", "Unique", UniqueInfer, NotCosted},
    {"", "TopK", TopKInfer, LowerTopK},
    {"", "Trilu", SameAsInput, nullptr},
    {"", "ReverseSequence", SameAsInput, nullptr},
    {"", "EyeLike", EyeLikeInfer, nullptr},
    {"", "CenterCropPad", CenterCropPadInfer, nullptr},
    {"", "Col2Im", Col2ImInfer, nullptr},
};

}  // namespace

std::span<const OnnxOp> TensorOnnxOps() { return kOps; }

}  // namespace calflops::onnx
