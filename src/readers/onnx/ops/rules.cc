#include "readers/onnx/ops/rules.h"

#include <cmath>
#include <cstdlib>

namespace calflops::onnx::rules {

void SameShape(OpContext& c, size_t i, size_t o, int32_t elem) {
  const TensorInfo& in = c.in(i);
  TensorInfo& out = c.out(o);
  out = TensorInfo{};
  out.elem = elem != kUndefined ? elem : in.elem;
  out.rank_known = in.rank_known;
  out.dims = in.dims;
}

void BroadcastAll(OpContext& c, int32_t elem) {
  TensorInfo& out = c.ResetOut(0, elem != kUndefined ? elem : ElemOf(c));
  std::vector<int64_t> dims;
  bool first = true;
  for (size_t i = 0; i < c.num_inputs(); ++i) {
    if (!c.has(i)) continue;
    const TensorInfo& t = c.in(i);
    if (!t.rank_known) return;  // rank unknown: output rank unknown
    if (first) {
      dims = t.dims;
      first = false;
      continue;
    }
    std::vector<int64_t> next;
    if (!BroadcastDims(dims, t.dims, next)) {
      c.Fail("inputs of shapes " + TensorInfo::OfShape(0, dims).ShapeString() + " and " +
             t.ShapeString() + " do not broadcast");
    }
    dims = std::move(next);
  }
  if (first) return;
  out.SetShape(std::move(dims));
}

std::optional<std::vector<int64_t>> IntsOf(const OpContext& c, size_t i) {
  if (!c.has(i) || !c.in(i).has_values) return std::nullopt;
  return c.in(i).AsInts();
}

std::optional<std::vector<int64_t>> Axes(const OpContext& c, size_t input, int rank,
                                         bool from_input) {
  std::vector<int64_t> axes;
  if (from_input) {
    if (!c.has(input)) return std::vector<int64_t>{};
    auto v = IntsOf(c, input);
    if (!v) return std::nullopt;
    axes = *v;
  } else {
    axes = c.Ints("axes");
  }
  for (int64_t& a : axes) {
    int n = NormalizeAxis(a, rank);
    if (n < 0)
      c.Fail("axis " + std::to_string(a) + " is out of range for rank " + std::to_string(rank));
    a = n;
  }
  return axes;
}

int32_t ElemOf(const OpContext& c, size_t i) {
  for (size_t k = i; k < c.num_inputs(); ++k)
    if (c.has(k) && c.in(k).elem != kUndefined) return c.in(k).elem;
  return kUndefined;
}

namespace {

/// Index into a broadcast operand for flat output index `flat`.
size_t BroadcastIndex(size_t flat, const std::vector<int64_t>& out,
                      const std::vector<int64_t>& in) {
  size_t idx = 0, stride = 1;
  size_t rem = flat;
  std::vector<size_t> coord(out.size());
  for (size_t k = out.size(); k-- > 0;) {
    coord[k] = rem % static_cast<size_t>(out[k]);
    rem /= static_cast<size_t>(out[k]);
  }
  size_t off = out.size() - in.size();
  for (size_t k = in.size(); k-- > 0;) {
    size_t ck = in[k] == 1 ? 0 : coord[k + off];
    idx += ck * stride;
    stride *= static_cast<size_t>(in[k]);
  }
  return idx;
}

thread_local bool g_fold_unknown = false;

}  // namespace

void FoldIsUnknown() { g_fold_unknown = true; }

void FoldBinary(OpContext& c, const std::function<double(double, double)>& real,
                const std::function<int64_t(int64_t, int64_t)>& integer) {
  TensorInfo& out = c.out(0);
  const TensorInfo& a = c.in(0);
  const TensorInfo& b = c.in(1);
  if (!a.has_values || !b.has_values || !out.IsStatic()) return;
  int64_t n = out.numel();
  if (n < 0 || n > kMaxFoldElements) return;
  bool int_out = IsInteger(out.elem);
  bool int_in = IsInteger(a.elem) && IsInteger(b.elem);
  g_fold_unknown = false;
  std::vector<int64_t> ints;
  std::vector<double> reals;
  for (int64_t i = 0; i < n; ++i) {
    size_t ia = BroadcastIndex(static_cast<size_t>(i), out.dims, a.dims);
    size_t ib = BroadcastIndex(static_cast<size_t>(i), out.dims, b.dims);
    if (int_in && integer) {
      int64_t v = integer(a.IntAt(ia), b.IntAt(ib));
      if (int_out)
        ints.push_back(v);
      else
        reals.push_back(static_cast<double>(v));
    } else {
      double v = real(a.RealAt(ia), b.RealAt(ib));
      if (int_out)
        ints.push_back(ToInt64(v));
      else
        reals.push_back(v);
    }
  }
  if (g_fold_unknown) return;
  out.has_values = true;
  out.ints = std::move(ints);
  out.reals = std::move(reals);
}

void FoldUnary(OpContext& c, const std::function<double(double)>& real,
               const std::function<int64_t(int64_t)>& integer) {
  TensorInfo& out = c.out(0);
  const TensorInfo& a = c.in(0);
  if (!a.has_values || !out.IsStatic()) return;
  int64_t n = out.numel();
  if (n < 0 || n > kMaxFoldElements ||
      static_cast<size_t>(n) != std::max(a.ints.size(), a.reals.size()))
    return;
  bool int_out = IsInteger(out.elem);
  g_fold_unknown = false;
  std::vector<int64_t> ints;
  std::vector<double> reals;
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
    if (IsInteger(a.elem) && integer) {
      int64_t v = integer(a.IntAt(i));
      if (int_out)
        ints.push_back(v);
      else
        reals.push_back(static_cast<double>(v));
    } else if (real) {
      double v = real(a.RealAt(i));
      if (int_out)
        ints.push_back(ToInt64(v));
      else
        reals.push_back(v);
    } else {
      return;
    }
  }
  if (g_fold_unknown) return;
  out.has_values = true;
  out.ints = std::move(ints);
  out.reals = std::move(reals);
}

void SetValues(TensorInfo& t, const std::vector<int64_t>& ints) {
  t.has_values = true;
  if (IsFloating(t.elem)) {
    t.reals.assign(ints.begin(), ints.end());
    t.ints.clear();
  } else {
    t.ints = ints;
    t.reals.clear();
  }
}

void SetReals(TensorInfo& t, const std::vector<double>& reals) {
  t.has_values = true;
  if (IsInteger(t.elem)) {
    t.ints.clear();
    for (double v : reals) t.ints.push_back(ToInt64(v));
    t.reals.clear();
  } else {
    t.reals = reals;
    t.ints.clear();
  }
}

void NotCosted(LowerContext&) {}

int64_t ToInt64(double v) {
  if (std::isnan(v)) return 0;
  if (v >= 9.2233720368547758e18) return INT64_MAX;
  if (v <= -9.2233720368547758e18) return INT64_MIN;
  return static_cast<int64_t>(v);
}

int64_t MulDim(int64_t a, int64_t b) {
  if (a < 0 || b < 0) return -1;
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r) || r > (int64_t{1} << 62))
    throw InferError{"dimension product overflows"};
  return r;
}

int64_t AddDim(int64_t a, int64_t b) {
  if (a < 0 || b < 0) return -1;
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r) || r > (int64_t{1} << 62))
    throw InferError{"dimension sum overflows"};
  return r;
}

int64_t WindowOut(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, int64_t pad_begin,
                  int64_t pad_end, std::string_view auto_pad, bool ceil_mode) {
  if (in < 0) return -1;
  if (stride <= 0) stride = 1;
  if (dilation <= 0) dilation = 1;
  const int64_t kLimit = int64_t{1} << 53;
  if (kernel > kLimit || stride > kLimit || dilation > kLimit || std::abs(pad_begin) > kLimit ||
      std::abs(pad_end) > kLimit) {
    throw InferError{"kernel, stride, dilation or pads out of range"};
  }
  int64_t eff = MulDim(dilation, kernel - 1) + 1;
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") return (in + stride - 1) / stride;
  if (auto_pad == "VALID") return in < eff ? 0 : (in - eff) / stride + 1;
  int64_t span = in + pad_begin + pad_end - eff;
  if (span < 0) return 0;
  int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  // ceil_mode: the last window must start inside the input or left padding (PyTorch / ONNX rule).
  if (ceil_mode && (out - 1) * stride >= in + pad_begin) --out;
  return out;
}

std::vector<int64_t> Strides(const std::vector<int64_t>& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
  return s;
}

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

}  // namespace calflops::onnx::rules
