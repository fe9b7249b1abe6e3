// Neural-network operators: convolutions, pooling, normalisations, softmax, resizing and
// sampling. Output sizes follow docs/Operators.md (auto_pad, ceil_mode, dilations).
#include <algorithm>
#include <cmath>

#include "readers/onnx/ops/rules.h"

namespace calflops::onnx {
namespace {

using namespace rules;  // NOLINT

struct Window {
  std::vector<int64_t> kernel, strides, dilations, pads;
  std::string_view auto_pad;
};

/// Reads kernel_shape (or the weight's trailing dims), strides, dilations, pads for `spatial`
/// dimensions.
Window ReadWindow(const OpContext& c, size_t spatial, const TensorInfo* weight) {
  Window w;
  w.kernel = c.Ints("kernel_shape");
  if (w.kernel.empty() && weight && weight->rank_known && weight->rank() >= 2) {
    w.kernel.assign(weight->dims.begin() + 2, weight->dims.end());
  }
  w.strides = c.Ints("strides");
  w.dilations = c.Ints("dilations");
  w.pads = c.Ints("pads");
  w.auto_pad = c.String("auto_pad", "NOTSET");
  if (w.strides.empty()) w.strides.assign(spatial, 1);
  if (w.dilations.empty()) w.dilations.assign(spatial, 1);
  if (w.pads.empty()) w.pads.assign(2 * spatial, 0);
  if (w.kernel.size() != spatial || w.strides.size() != spatial || w.dilations.size() != spatial ||
      w.pads.size() != 2 * spatial) {
    c.Fail("kernel_shape, strides, dilations or pads do not match " + std::to_string(spatial) +
           " spatial dims");
  }
  for (size_t i = 0; i < spatial; ++i) {
    if (w.kernel[i] <= 0 || w.strides[i] <= 0 || w.dilations[i] <= 0)
      c.Fail("non-positive kernel, stride or dilation");
  }
  return w;
}

int64_t Prod(const std::vector<int64_t>& v, size_t from = 0) {
  int64_t p = 1;
  for (size_t i = from; i < v.size(); ++i) p = MulDim(p, v[i]);
  return p;
}

/// Conv family: x, w and their output channel count.
void ConvLike(OpContext& c, size_t x_at, size_t w_at, int32_t elem) {
  const TensorInfo& x = c.in(x_at);
  const TensorInfo& w = c.in(w_at);
  TensorInfo& out = c.ResetOut(0, elem);
  if (!x.rank_known || x.rank() < 3) {
    if (x.rank_known) c.Fail("input must have rank >= 3, got " + x.ShapeString());
    return;
  }
  size_t spatial = static_cast<size_t>(x.rank() - 2);
  Window win = ReadWindow(c, spatial, &w);
  int64_t group = c.Int("group", 1);
  if (group <= 0) c.Fail("group must be positive");
  if (w.rank_known && x.dims[1] >= 0 && w.rank() >= 2 && w.dims[1] >= 0 &&
      x.dims[1] != MulDim(w.dims[1], group)) {
    c.Fail("input channels " + std::to_string(x.dims[1]) + " != weight " + w.ShapeString() +
           " x group " + std::to_string(group));
  }
  out.SetShape({x.dims[0], w.rank_known && w.rank() >= 1 ? w.dims[0] : -1});
  for (size_t i = 0; i < spatial; ++i) {
    out.dims.push_back(WindowOut(x.dims[2 + i], win.kernel[i], win.strides[i], win.dilations[i],
                                 win.pads[i], win.pads[i + spatial], win.auto_pad, false));
  }
}

void ConvInfer(OpContext& c) { ConvLike(c, 0, 1, c.in(0).elem); }
void ConvIntegerInfer(OpContext& c) { ConvLike(c, 0, 1, kInt32); }
void QLinearConvInfer(OpContext& c) {
  ConvLike(c, 0, 3, c.in(7).elem != kUndefined ? c.in(7).elem : kUint8);
}

void LowerConvAt(LowerContext& l, size_t x, size_t w, size_t b) {
  l.Emit(OpKind::kConv, CallForm::kFunctional, {l.InShape(x), l.InShape(w)}, l.OutShape(0),
         l.ctx().has(b));
}
void LowerConv(LowerContext& l) { LowerConvAt(l, 0, 1, 2); }
void LowerConvInteger(LowerContext& l) { LowerConvAt(l, 0, 1, 99); }
void LowerQLinearConv(LowerContext& l) { LowerConvAt(l, 0, 3, 8); }

void ConvTransposeInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  const TensorInfo& w = c.in(1);
  TensorInfo& out = c.ResetOut(0, x.elem);
  if (!x.rank_known || x.rank() < 3) return;
  size_t spatial = static_cast<size_t>(x.rank() - 2);
  Window win = ReadWindow(c, spatial, &w);
  int64_t group = c.Int("group", 1);
  if (group <= 0) c.Fail("group must be positive");
  std::vector<int64_t> out_pad = c.Ints("output_padding");
  if (out_pad.empty()) out_pad.assign(spatial, 0);
  std::vector<int64_t> out_shape = c.Ints("output_shape");
  out.SetShape(
      {x.dims[0], w.rank_known && w.rank() >= 2 && w.dims[1] >= 0 ? MulDim(w.dims[1], group) : -1});
  for (size_t i = 0; i < spatial; ++i) {
    int64_t in = x.dims[2 + i];
    int64_t d;
    if (!out_shape.empty()) {
      d = out_shape[out_shape.size() - spatial + i];
    } else if (in < 0) {
      d = -1;
    } else if (win.auto_pad == "SAME_UPPER" || win.auto_pad == "SAME_LOWER") {
      d = MulDim(in, win.strides[i]);
    } else {
      const int64_t kLimit = int64_t{1} << 53;
      if (std::abs(out_pad[i]) > kLimit || std::abs(win.pads[i]) > kLimit ||
          std::abs(win.pads[i + spatial]) > kLimit) {
        c.Fail("pads out of range");
      }
      d = AddDim(MulDim(win.strides[i], std::max<int64_t>(in - 1, 0)),
                 MulDim(win.kernel[i] - 1, win.dilations[i])) +
          out_pad[i] + 1;
      if (win.auto_pad != "VALID") d -= win.pads[i] + win.pads[i + spatial];
      if (d < 0) c.Fail("negative output size");
    }
    out.dims.push_back(d);
  }
}

void LowerConvTranspose(LowerContext& l) {
  l.Emit(OpKind::kConvTranspose, CallForm::kFunctional, {l.InShape(0), l.InShape(1)}, l.OutShape(0),
         l.ctx().has(2), l.ctx().Int("group", 1));
}

// ---- pooling ----

void PoolInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  for (size_t i = 0; i < c.num_outputs(); ++i) {
    c.out(i) = TensorInfo{};
    c.out(i).elem = i == 0 ? x.elem : kInt64;
  }
  if (!x.rank_known || x.rank() < 3) return;
  size_t spatial = static_cast<size_t>(x.rank() - 2);
  Window win = ReadWindow(c, spatial, nullptr);
  bool ceil = c.Int("ceil_mode", 0) != 0;
  std::vector<int64_t> dims = {x.dims[0], x.dims[1]};
  for (size_t i = 0; i < spatial; ++i) {
    dims.push_back(WindowOut(x.dims[2 + i], win.kernel[i], win.strides[i], win.dilations[i],
                             win.pads[i], win.pads[i + spatial], win.auto_pad, ceil));
  }
  for (size_t i = 0; i < c.num_outputs(); ++i) {
    c.out(i).rank_known = true;
    c.out(i).dims = dims;
  }
}

template <OpKind K>
void LowerPool(LowerContext& l) {
  l.Emit(K, CallForm::kFunctional, {l.InShape(0)}, l.OutShape(0),
         Prod(l.ctx().Ints("kernel_shape")));
}

void GlobalPoolInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  TensorInfo& out = c.ResetOut(0, x.elem);
  if (!x.rank_known) return;
  if (x.rank() < 2) c.Fail("input must have rank >= 2");
  out.SetShape({x.dims[0], x.dims[1]});
  out.dims.resize(x.dims.size(), 1);
}

template <OpKind K>
void LowerGlobalPool(LowerContext& l) {
  Shape x = l.InShape(0);
  int64_t window = 1;
  for (int i = 2; i < x.rank(); ++i) window = MulDim(window, x[i]);
  l.Emit(K, CallForm::kFunctional, {x}, l.OutShape(0), window);
}

void MaxUnpoolInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  TensorInfo& out = c.ResetOut(0, x.elem);
  if (auto shape = IntsOf(c, 2)) {
    out = TensorInfo::OfShape(x.elem, *shape);
    return;
  }
  if (!x.rank_known || x.rank() < 3) return;
  size_t spatial = static_cast<size_t>(x.rank() - 2);
  Window win = ReadWindow(c, spatial, nullptr);
  out.SetShape({x.dims[0], x.dims[1]});
  for (size_t i = 0; i < spatial; ++i) {
    int64_t in = x.dims[2 + i];
    int64_t d = in < 0
                    ? -1
                    : AddDim(MulDim(std::max<int64_t>(in - 1, 0), win.strides[i]), win.kernel[i]) -
                          win.pads[i] - win.pads[i + spatial];
    if (in >= 0 && d < 0) c.Fail("negative output size");
    out.dims.push_back(d);
  }
}

void RoiPoolInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  const TensorInfo& rois = c.in(1);
  TensorInfo& out = c.out(0);
  std::vector<int64_t> pooled = c.Ints("pooled_shape");
  int64_t n = rois.rank_known && rois.rank() >= 1 ? rois.dims[0] : -1;
  int64_t ch = x.rank_known && x.rank() >= 2 ? x.dims[1] : -1;
  if (c.node().op_type == "RoiAlign")
    pooled = {c.Int("output_height", 1), c.Int("output_width", 1)};
  std::vector<int64_t> dims = {n, ch};
  dims.insert(dims.end(), pooled.begin(), pooled.end());
  out = TensorInfo::OfShape(x.elem, dims);
}

// ---- normalisation ----

void BatchNormInfer(OpContext& c) {
  SameShape(c);
  for (size_t i = 1; i < c.num_outputs(); ++i)
    SameShape(c, 1, i);  // running / saved statistics: (C,)
}

void LowerBatchNorm(LowerContext& l) {
  Shape x = l.InShape(0);
  l.Emit(OpKind::kBatchNorm, CallForm::kFunctional, {x}, l.OutShape(0), x.rank() >= 2 ? x[1] : 1);
}

void LayerNormInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  SameShape(c);
  if (!x.rank_known) return;
  int axis = NormalizeAxis(c.Int("axis", -1), x.rank());
  if (axis < 0) c.Fail("axis out of range");
  auto stash = static_cast<int32_t>(c.Int("stash_type", kFloat));
  for (size_t i = 1; i < c.num_outputs(); ++i) {
    std::vector<int64_t> dims(x.dims.begin(), x.dims.begin() + axis);
    dims.resize(x.dims.size(), 1);
    c.out(i) = TensorInfo::OfShape(stash, dims);
  }
}

void LowerLayerNorm(LowerContext& l) {
  Shape x = l.InShape(0);
  int axis = NormalizeAxis(l.ctx().Int("axis", -1), x.rank());
  int64_t n = 1;
  for (int i = axis; i < x.rank(); ++i) n = MulDim(n, x[i]);
  l.Emit(OpKind::kLayerNorm, CallForm::kFunctional, {x}, l.OutShape(0), n,
         1 | (l.ctx().has(2) ? 2 : 0));
}

/// InstanceNorm: per (n, c) over the spatial dims, scale and bias per channel.
void LowerInstanceNorm(LowerContext& l) {
  Shape x = l.InShape(0);
  int64_t n = 1;
  for (int i = 2; i < x.rank(); ++i) n = MulDim(n, x[i]);
  l.Emit(OpKind::kLayerNorm, CallForm::kFunctional, {x}, l.OutShape(0), n, 3);
}

/// GroupNorm: per (n, group) over C / groups x spatial, scale and bias per channel.
void LowerGroupNorm(LowerContext& l) {
  Shape x = l.InShape(0);
  int64_t groups = std::max<int64_t>(1, l.ctx().Int("num_groups", 1));
  int64_t n = x.rank() >= 2 ? x[1] / groups : 1;
  for (int i = 2; i < x.rank(); ++i) n = MulDim(n, x[i]);
  l.Emit(OpKind::kLayerNorm, CallForm::kFunctional, {x}, l.OutShape(0), n, 3);
}

void LowerMeanVarianceNorm(LowerContext& l) {
  Shape x = l.InShape(0);
  std::vector<int64_t> axes = l.ctx().Ints("axes");
  if (axes.empty()) axes = {0, 2, 3};
  int64_t n = 1;
  for (int64_t a : axes) {
    int k = NormalizeAxis(a, x.rank());
    if (k >= 0) n = MulDim(n, x[k]);
  }
  l.Emit(OpKind::kLayerNorm, CallForm::kTorch, {x}, l.OutShape(0), n, 0);
}

void LowerLpNorm(LowerContext& l) {
  Shape x = l.InShape(0);
  int axis = NormalizeAxis(l.ctx().Int("axis", -1), x.rank());
  l.Emit(OpKind::kLpNorm, CallForm::kFunctional, {x}, l.OutShape(0), axis >= 0 ? x[axis] : 1,
         l.ctx().Int("p", 2));
}

void LowerLrn(LowerContext& l) {
  l.Emit(OpKind::kLrn, CallForm::kFunctional, {l.InShape(0)}, l.OutShape(0),
         l.ctx().Int("size", 1));
}

/// Softmax-like normalisation size: opset < 13 coerces to 2-D at `axis` (default 1), later opsets
/// normalise one axis (default -1).
int64_t SoftmaxN(const OpContext& c, const Shape& x) {
  if (x.rank() == 0) return 1;
  if (c.opset() < 13) {
    int axis = NormalizeAxis(c.Int("axis", 1), x.rank());
    int64_t n = 1;
    for (int i = std::max(axis, 0); i < x.rank(); ++i) n = MulDim(n, x[i]);
    return n;
  }
  int axis = NormalizeAxis(c.Int("axis", -1), x.rank());
  return axis >= 0 ? x[axis] : 1;
}

void SoftmaxInfer(OpContext& c) {
  SameShape(c);
  if (c.opset() >= 13 && c.in(0).rank_known && c.in(0).rank() > 0 &&
      NormalizeAxis(c.Int("axis", -1), c.in(0).rank()) < 0) {
    c.Fail("axis out of range");
  }
}

void Same(OpContext& c) { SameShape(c); }

template <OpKind K>
void LowerSoftmax(LowerContext& l) {
  Shape x = l.InShape(0);
  int64_t n = SoftmaxN(l.ctx(), x);
  if (n == 0) return;
  l.Emit(K, CallForm::kFunctional, {x}, l.OutShape(0), n);
}

void LowerHardmax(LowerContext& l) {
  Shape x = l.InShape(0);
  int64_t n = SoftmaxN(l.ctx(), x);
  if (n == 0) return;
  Count rows = x.numel() / Count::FromSigned(n);
  l.Emit(OpKind::kReduceMax, CallForm::kTorch, {x}, Shape{static_cast<int64_t>(rows.value())});
}

// ---- resizing and sampling ----

void ResizeInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  TensorInfo& out = c.ResetOut(0, x.elem);
  if (!x.rank_known) return;
  int r = x.rank();
  out.rank_known = true;
  out.dims.assign(static_cast<size_t>(r), -1);
  bool upsample = c.node().op_type == "Upsample";
  std::optional<std::vector<int64_t>> sizes;
  std::vector<double> scales;
  size_t scales_at = upsample || c.opset() < 11 ? 1 : 2;
  if (upsample && c.opset() < 9) {
    for (float s : c.Floats("scales")) scales.push_back(s);
  } else if (c.has(scales_at) && c.in(scales_at).rank_known && c.in(scales_at).numel() != 0) {
    const TensorInfo& s = c.in(scales_at);
    if (!s.has_values) return;
    for (size_t i = 0; i < std::max(s.ints.size(), s.reals.size()); ++i)
      scales.push_back(s.RealAt(i));
  }
  if (!upsample && c.opset() >= 11 && c.has(3) && !(c.in(3).rank_known && c.in(3).numel() == 0)) {
    sizes = IntsOf(c, 3);
    if (!sizes) return;
  }
  std::vector<int64_t> axes = c.Ints("axes");
  if (axes.empty()) {
    for (int i = 0; i < r; ++i) axes.push_back(i);
  }
  for (int64_t& a : axes) {
    a = NormalizeAxis(a, r);
    if (a < 0) c.Fail("axis out of range");
  }
  out.dims = x.dims;
  if (sizes) {
    if (sizes->size() != axes.size())
      c.Fail("sizes has " + std::to_string(sizes->size()) + " entries for " +
             std::to_string(axes.size()) + " axes");
    std::string_view policy = c.String("keep_aspect_ratio_policy", "stretch");
    if (policy == "stretch") {
      for (size_t i = 0; i < axes.size(); ++i) out.dims[static_cast<size_t>(axes[i])] = (*sizes)[i];
    } else {
      double scale = policy == "not_larger" ? INFINITY : 0;
      for (size_t i = 0; i < axes.size(); ++i) {
        int64_t in = x.dims[static_cast<size_t>(axes[i])];
        if (in <= 0) return;
        double s = static_cast<double>((*sizes)[i]) / static_cast<double>(in);
        scale = policy == "not_larger" ? std::min(scale, s) : std::max(scale, s);
      }
      for (int64_t a : axes) {
        double d = std::nearbyint(scale * static_cast<double>(x.dims[static_cast<size_t>(a)]));
        if (!(d >= 0 && d <= static_cast<double>(kMaxOnnxDim))) c.Fail("sizes give an absurd size");
        out.dims[static_cast<size_t>(a)] = static_cast<int64_t>(d);
      }
    }
    return;
  }
  if (scales.size() != axes.size())
    c.Fail("scales has " + std::to_string(scales.size()) + " entries for " +
           std::to_string(axes.size()) + " axes");
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t in = x.dims[static_cast<size_t>(axes[i])];
    double d = std::floor(static_cast<double>(in) * scales[i] + 1e-9);
    if (in >= 0 && !(d >= 0 && d <= static_cast<double>(kMaxOnnxDim)))
      c.Fail("scale gives an absurd size");
    out.dims[static_cast<size_t>(axes[i])] = in < 0 ? -1 : static_cast<int64_t>(d);
  }
}

int64_t Taps(std::string_view mode, int resized) {
  int64_t base = (mode == "linear" || mode == "bilinear") ? 2
                 : (mode == "cubic" || mode == "bicubic") ? 4
                                                          : 0;
  int64_t taps = base == 0 ? 0 : 1;
  for (int i = 0; i < resized && base; ++i) taps *= base;
  return taps;
}

void LowerResize(LowerContext& l) {
  Shape x = l.InShape(0), y = l.OutShape(0);
  int resized = 0;
  for (int i = 0; i < x.rank(); ++i) resized += x[i] != y[i];
  l.Emit(OpKind::kResize, CallForm::kFunctional, {x}, y,
         Taps(l.ctx().String("mode", "nearest"), resized));
}

void GridSampleInfer(OpContext& c) {
  const TensorInfo& x = c.in(0);
  const TensorInfo& grid = c.in(1);
  TensorInfo& out = c.ResetOut(0, x.elem);
  if (!grid.rank_known || grid.rank() < 3) return;
  out.SetShape({grid.dims[0], x.rank_known && x.rank() >= 2 ? x.dims[1] : -1});
  out.dims.insert(out.dims.end(), grid.dims.begin() + 1, grid.dims.end() - 1);
}

void LowerGridSample(LowerContext& l) {
  Shape y = l.OutShape(0);
  l.Emit(OpKind::kResize, CallForm::kFunctional, {l.InShape(0)}, y,
         Taps(l.ctx().String("mode", "linear"), y.rank() - 2));
}

void AffineGridInfer(OpContext& c) {
  TensorInfo& out = c.ResetOut(0, c.in(0).elem);
  auto size = IntsOf(c, 1);
  if (!size) return;
  if (size->size() < 3) c.Fail("size must hold N, C and spatial sizes");
  std::vector<int64_t> dims = {(*size)[0]};
  dims.insert(dims.end(), size->begin() + 2, size->end());
  dims.push_back(static_cast<int64_t>(size->size()) - 2);
  out = TensorInfo::OfShape(c.in(0).elem, dims);
}

constexpr OnnxOp kOps[] = {
    {"", "Conv", ConvInfer, LowerConv, "X W B?"},
    {"", "ConvInteger", ConvIntegerInfer, LowerConvInteger, "x w x_zero_point? w_zero_point?"},
    {"", "QLinearConv", QLinearConvInfer, LowerQLinearConv,
     "x x_scale x_zero_point w w_scale w_zero_point y_scale y_zero_point B?"},
    {"", "ConvTranspose", ConvTransposeInfer, LowerConvTranspose, "X W B?"},
    {"", "MaxPool", PoolInfer, LowerPool<OpKind::kMaxPool>, "X"},
    {"", "AveragePool", PoolInfer, LowerPool<OpKind::kAvgPool>, "X"},
    {"", "LpPool", PoolInfer, LowerPool<OpKind::kLpPool>, "X"},
    {"", "GlobalMaxPool", GlobalPoolInfer, LowerGlobalPool<OpKind::kMaxPool>, "X"},
    {"", "GlobalAveragePool", GlobalPoolInfer, LowerGlobalPool<OpKind::kAvgPool>, "X"},
    {"", "GlobalLpPool", GlobalPoolInfer, LowerGlobalPool<OpKind::kLpPool>, "X"},
    {"", "MaxUnpool", MaxUnpoolInfer, nullptr, "X I output_shape?"},
    {"", "MaxRoiPool", RoiPoolInfer, NotCosted, "X rois"},
    {"", "RoiAlign", RoiPoolInfer, NotCosted, "X rois batch_indices"},
    {"", "BatchNormalization", BatchNormInfer, LowerBatchNorm, "X scale B input_mean input_var"},
    {"", "InstanceNormalization", Same, LowerInstanceNorm, "input scale B"},
    {"", "LayerNormalization", LayerNormInfer, LowerLayerNorm, "X Scale B?"},
    {"", "GroupNormalization", Same, LowerGroupNorm, "X scale bias"},
    {"", "MeanVarianceNormalization", Same, LowerMeanVarianceNorm, "X"},
    {"", "LpNormalization", Same, LowerLpNorm, "input"},
    {"", "LRN", Same, LowerLrn, "X"},
    {"", "Softmax", SoftmaxInfer, LowerSoftmax<OpKind::kSoftmax>, "input"},
    {"", "LogSoftmax", SoftmaxInfer, LowerSoftmax<OpKind::kLogSoftmax>, "input"},
    {"", "Hardmax", SoftmaxInfer, LowerHardmax, "input"},
    {"", "Resize", ResizeInfer, LowerResize,
     "X scales | 11: X roi scales sizes? | 13: X roi? scales? sizes?"},
    {"", "Upsample", ResizeInfer, LowerResize, "X | 9: X scales"},
    {"", "GridSample", GridSampleInfer, LowerGridSample, "X grid"},
    {"", "AffineGrid", AffineGridInfer, NotCosted, "theta size"},
};

}  // namespace

std::span<const OnnxOp> NnOnnxOps() { return kOps; }

}  // namespace calflops::onnx
