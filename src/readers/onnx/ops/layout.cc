// Data movement without selection: Transpose, Concat, Split, Slice, Expand, Tile, Pad,
// Depth/SpaceToDepth, Trilu, ReverseSequence, EyeLike, CenterCropPad, Col2Im. No arithmetic;
// contents folded when small and known.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "readers/onnx/ops/rules.h"

namespace calflops::onnx {
namespace {

using namespace rules;  // NOLINT

// ---- Transpose, Concat, Split, Slice ----

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

// ---- Expand, Tile, Pad ----

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
    {"", "Transpose", TransposeInfer, nullptr, "data"},
    {"", "Concat", ConcatInfer, nullptr, "inputs..."},
    {"", "Split", SplitInfer, nullptr, "input split?"},
    {"", "Slice", SliceInfer, nullptr, "data | 10: data starts ends axes? steps?"},
    {"", "Expand", ExpandInfer, nullptr, "input shape"},
    {"", "Tile", TileInfer, nullptr, "input tiles axis | 6: input repeats"},
    {"", "Pad", PadInfer, nullptr, "data | 11: data pads constant_value? axes?"},
    {"", "DepthToSpace", DepthToSpaceInfer, nullptr, "input"},
    {"", "SpaceToDepth", DepthToSpaceInfer, nullptr, "input"},
    {"", "Trilu", SameAsInput, nullptr, "input k?"},
    {"", "ReverseSequence", SameAsInput, nullptr, "input sequence_lens"},
    {"", "EyeLike", EyeLikeInfer, nullptr, "input"},
    {"", "CenterCropPad", CenterCropPadInfer, nullptr, "input_data shape"},
    {"", "Col2Im", Col2ImInfer, nullptr, "input image_shape block_shape"},
};

}  // namespace

std::span<const OnnxOp> LayoutOnnxOps() { return kOps; }

}  // namespace calflops::onnx
