#include "reference/op_ref_window.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "reference/scalar_more.h"

namespace reference {

namespace {

using Idx = std::vector<int64_t>;

/// Calls f(idx) for every index of `shape`, last dimension fastest.
template <class F>
void ForEach(const Idx& shape, F&& f) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  Idx idx(shape.size(), 0);
  for (int64_t flat = 0; flat < n; ++flat) {
    int64_t r = flat;
    for (int i = static_cast<int>(shape.size()) - 1; i >= 0; --i) {
      idx[static_cast<size_t>(i)] = r % shape[static_cast<size_t>(i)];
      r /= shape[static_cast<size_t>(i)];
    }
    f(idx);
  }
}

Idx Spatial(const Tensor& t) { return Idx(t.shape().begin() + 2, t.shape().end()); }

/// x at (n, c, pos) or `pad` when pos lies outside.
double At(const Tensor& x, int64_t n, int64_t c, const Idx& pos, double pad) {
  Idx idx = {n, c};
  for (size_t i = 0; i < pos.size(); ++i) {
    if (pos[i] < 0 || pos[i] >= x.dim(static_cast<int>(i) + 2)) return pad;
    idx.push_back(pos[i]);
  }
  return const_cast<Tensor&>(x)(idx);
}

}  // namespace

int64_t WindowOut(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb, int64_t pe,
                  bool ceil_mode) {
  int64_t span = in + pb + pe - d * (k - 1) - 1;
  if (span < 0) return 0;
  int64_t out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
  // ceil_mode: a last window that would start in the end padding is dropped (PyTorch's rule,
  // which ONNX's shape inference follows).
  if (ceil_mode && (out - 1) * s >= in + pb) --out;
  return out;
}

Tensor ConvRef(const Tensor& x, const Tensor& w, const Tensor* bias, int64_t groups,
               const Window& win) {
  int64_t n = x.dim(0), cout = w.dim(0), cin_g = w.dim(1), cout_g = cout / groups;
  Idx kernel = Spatial(w), out_sp;
  for (size_t i = 0; i < kernel.size(); ++i)
    out_sp.push_back(WindowOut(x.dim(static_cast<int>(i) + 2), kernel[i], win.strides[i],
                               win.dilations[i], win.pads_begin[i], win.pads_end[i]));
  Idx out_shape = {n, cout};
  out_shape.insert(out_shape.end(), out_sp.begin(), out_sp.end());
  Tensor out(out_shape);
  ForEach(out_shape, [&](const Idx& o) {
    int64_t g = o[1] / cout_g;
    double acc = 0;
    for (int64_t ic = 0; ic < cin_g; ++ic)
      ForEach(kernel, [&](const Idx& t) {
        Idx pos;
        for (size_t i = 0; i < t.size(); ++i)
          pos.push_back(o[i + 2] * win.strides[i] - win.pads_begin[i] + t[i] * win.dilations[i]);
        Idx widx = {o[1], ic};
        widx.insert(widx.end(), t.begin(), t.end());
        acc = Mac(acc, At(x, o[0], g * cin_g + ic, pos, 0.0), const_cast<Tensor&>(w)(widx));
      });
    if (bias) acc = Add(acc, bias->at(o[1]));
    out(o) = acc;
  });
  return out;
}

Tensor ConvTransposeRef(const Tensor& x, const Tensor& w, const Tensor* bias, int64_t groups,
                        const Window& win, const Idx& out_spatial) {
  int64_t cin = x.dim(1), cin_g = cin / groups, cout_g = w.dim(1);
  Idx kernel = Spatial(w);
  Idx out_shape = {x.dim(0), cout_g * groups};
  out_shape.insert(out_shape.end(), out_spatial.begin(), out_spatial.end());
  Tensor out(out_shape);
  ForEach(x.shape(), [&](const Idx& in) {
    int64_t g = in[1] / cin_g;
    double v = const_cast<Tensor&>(x)(in);
    for (int64_t oc = 0; oc < cout_g; ++oc)
      ForEach(kernel, [&](const Idx& t) {
        Idx widx = {in[1], oc};
        widx.insert(widx.end(), t.begin(), t.end());
        Idx o = {in[0], g * cout_g + oc};
        bool inside = true;
        for (size_t i = 0; i < t.size(); ++i) {
          int64_t p = in[i + 2] * win.strides[i] - win.pads_begin[i] + t[i] * win.dilations[i];
          inside = inside && p >= 0 && p < out_spatial[i];
          o.push_back(p);
        }
        double cropped = 0;  // a tap in the padding: computed, then dropped
        double& dst = inside ? out(o) : cropped;
        dst = Mac(dst, v, const_cast<Tensor&>(w)(widx));
      });
  });
  if (bias)
    ForEach(out_shape, [&](const Idx& o) { out(o) = Add(out(o), bias->at(o[1])); });
  return out;
}

Tensor PoolRef(PoolKind kind, const Tensor& x, const Window& win, bool ceil_mode) {
  Idx out_shape = {x.dim(0), x.dim(1)};
  for (size_t i = 0; i < win.kernel.size(); ++i)
    out_shape.push_back(WindowOut(x.dim(static_cast<int>(i) + 2), win.kernel[i], win.strides[i],
                                  win.dilations[i], win.pads_begin[i], win.pads_end[i],
                                  ceil_mode));
  Tensor out(out_shape);
  double pad = kind == PoolKind::kMax ? -std::numeric_limits<double>::infinity() : 0.0;
  int64_t taps = 1;
  for (int64_t k : win.kernel) taps *= k;
  ForEach(out_shape, [&](const Idx& o) {
    double acc = 0;
    bool first = true;
    ForEach(win.kernel, [&](const Idx& t) {
      Idx pos;
      for (size_t i = 0; i < t.size(); ++i)
        pos.push_back(o[i + 2] * win.strides[i] - win.pads_begin[i] + t[i] * win.dilations[i]);
      double v = At(x, o[0], o[1], pos, pad);
      if (kind == PoolKind::kLp) v = PowE(std::fabs(v), 2.0);  // |x|^p
      acc = first ? v : kind == PoolKind::kMax ? Max(acc, v) : Add(acc, v);
      first = false;
    });
    if (taps == 0) {  // an empty window: nothing to reduce, no arithmetic
      out(o) = 0;
      return;
    }
    if (kind == PoolKind::kAvg) acc = Div(acc, static_cast<double>(taps));
    if (kind == PoolKind::kLp) acc = Sqrt(acc);
    out(o) = acc;
  });
  return out;
}

Tensor ResizeRef(const Tensor& x, const Idx& out_shape, int base) {
  Tensor out(out_shape);
  Idx resized;
  for (int i = 0; i < x.rank(); ++i)
    if (x.dim(i) != out_shape[static_cast<size_t>(i)]) resized.push_back(i);
  ForEach(out_shape, [&](const Idx& o) {
    if (base == 0) {  // nearest: a copy
      Idx src = o;
      for (int64_t a : resized)
        src[static_cast<size_t>(a)] = o[static_cast<size_t>(a)] * x.dim(static_cast<int>(a)) /
                                      out_shape[static_cast<size_t>(a)];
      out(o) = const_cast<Tensor&>(x)(src);
      return;
    }
    Idx taps(resized.size(), base);
    double acc = 0;
    bool first = true;
    ForEach(taps, [&](const Idx& t) {
      Idx src = o;
      double weight = 1;
      for (size_t j = 0; j < resized.size(); ++j) {
        auto a = static_cast<size_t>(resized[j]);
        double pos = (static_cast<double>(o[a]) + 0.5) * static_cast<double>(x.dim(static_cast<int>(a))) /
                         static_cast<double>(out_shape[a]) - 0.5;
        int64_t lo = static_cast<int64_t>(std::floor(pos)) - (base == 4 ? 1 : 0);
        src[a] = std::clamp<int64_t>(lo + t[j], 0, x.dim(static_cast<int>(a)) - 1);
        weight *= 1.0 / base;  // the per-axis weight: index arithmetic, not counted
      }
      double term = Mul(weight, const_cast<Tensor&>(x)(src));
      acc = first ? term : Add(acc, term);
      first = false;
    });
    out(o) = acc;
  });
  return out;
}

}  // namespace reference
