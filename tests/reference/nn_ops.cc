#include "reference/nn_ops.h"

#include <cmath>

namespace reference {

Tensor LayerNormRef(const Tensor& x, const Tensor& w, const Tensor& b, double eps) {
  Tensor mean = MeanLast(x);
  Tensor c = Binary(x, mean, Sub);
  Tensor var = MeanLast(Binary(c, c, Mul));
  Tensor r = Map(WithScalar(var, eps, Add), Rsqrt);
  return Binary(Binary(Binary(c, r, Mul), w, Mul), b, Add);
}

Tensor Norm(const std::string& scope, const Tensor& x, const Tensor& w, const Tensor& b,
            double eps) {
  Scope s(scope);
  return LayerNormRef(x, w, b, eps);
}

Tensor Lin(const std::string& scope, const Tensor& x, const Tensor& w, const Tensor* b) {
  Scope s(scope);
  return Linear(x, w, b);
}

Tensor Lin(const std::string& scope, const Tensor& x, const Tensor& w, const Tensor& b) {
  return Lin(scope, x, w, &b);
}

Tensor GeluErf(const Tensor& x) {
  return Map(x, [](double v) { return Mul(Mul(v, 0.5), Add(1.0, Erf(Div(v, std::sqrt(2.0))))); });
}

Tensor GeluTanh(const Tensor& x) {
  return Map(x, [](double v) {
    double cube = Mul(Mul(v, v), v);
    double inner = Mul(std::sqrt(2.0 / M_PI), Add(v, Mul(0.044715, cube)));
    return Mul(0.5, Mul(v, Add(1.0, Tanh(inner))));
  });
}

Tensor GeluNew(const Tensor& x) {
  return Map(x, [](double v) {
    double inner = Mul(std::sqrt(2.0 / M_PI), Add(v, Mul(0.044715, Pow(v, 3.0))));
    return Mul(Mul(0.5, v), Add(1.0, Tanh(inner)));
  });
}

Tensor TanhRef(const Tensor& x) { return Map(x, Tanh); }

Tensor Conv2dRef(const Tensor& x, const Tensor& w, const Tensor& bias, int64_t stride) {
  int64_t n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
  int64_t o = w.dim(0), kh = w.dim(2), kw = w.dim(3);
  int64_t oh = (h - kh) / stride + 1, ow = (wd - kw) / stride + 1;
  Tensor out({n, o, oh, ow});
  Tensor& xs = const_cast<Tensor&>(x);
  Tensor& ws = const_cast<Tensor&>(w);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t oc = 0; oc < o; ++oc)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          double acc = 0;
          for (int64_t ic = 0; ic < c; ++ic)
            for (int64_t u = 0; u < kh; ++u)
              for (int64_t v = 0; v < kw; ++v)
                acc = Mac(acc, xs({b, ic, i * stride + u, j * stride + v}), ws({oc, ic, u, v}));
          out({b, oc, i, j}) = Add(acc, bias.at(oc));
        }
  return out;
}

/// F.conv1d with zero padding: every kernel tap is a multiply-accumulate, padded ones included
/// (PyTorch multiplies the zeros too), then + bias. x (N, C, L), w (O, C, k).
Tensor Conv1dRef(const Tensor& x, const Tensor& w, const Tensor& bias, int64_t stride,
                 int64_t pad) {
  int64_t n = x.dim(0), c = x.dim(1), l = x.dim(2), o = w.dim(0), k = w.dim(2);
  int64_t lo = (l + 2 * pad - k) / stride + 1;
  Tensor out({n, o, lo});
  Tensor& xs = const_cast<Tensor&>(x);
  Tensor& ws = const_cast<Tensor&>(w);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t oc = 0; oc < o; ++oc)
      for (int64_t i = 0; i < lo; ++i) {
        double acc = 0;
        for (int64_t ic = 0; ic < c; ++ic)
          for (int64_t u = 0; u < k; ++u) {
            int64_t at = i * stride + u - pad;
            double xv = at >= 0 && at < l ? xs({b, ic, at}) : 0.0;
            acc = Mac(acc, xv, ws({oc, ic, u}));
          }
        out({b, oc, i}) = Add(acc, bias.at(oc));
      }
  return out;
}

Tensor AttentionRef(const Tensor& q, const Tensor& k, const Tensor& v, Scale scale,
                    const Tensor* mask) {
  Tensor s = MatMul(q, k.Transpose(k.rank() - 2, k.rank() - 1));
  double d = static_cast<double>(q.dim(-1));
  s = scale == Scale::kDivSqrt ? WithScalar(s, std::sqrt(d), Div)
                               : WithScalar(s, 1.0 / std::sqrt(d), Mul);
  if (mask) s = Binary(s, *mask, Add);
  return MatMul(SoftmaxLast(s), v);
}

Tensor SplitHeads(const Tensor& x, int64_t heads) {
  int64_t b = x.dim(0), s = x.dim(1), d = x.dim(2) / heads;
  return x.Reshape({b, s, heads, d}).Transpose(1, 2);
}

Tensor MergeHeads(const Tensor& x) {
  int64_t b = x.dim(0), h = x.dim(1), s = x.dim(2), d = x.dim(3);
  return x.Transpose(1, 2).Reshape({b, s, h * d});
}

void RotaryTablesRef(int64_t past, int64_t tokens, int64_t dim, Tensor& cos, Tensor& sin) {
  Tensor inv({1, dim / 2, 1});
  for (int64_t i = 0; i < dim / 2; ++i)
    inv.at(i) = 1.0 / std::pow(10000.0, 2.0 * static_cast<double>(i) / static_cast<double>(dim));
  Tensor pos({1, 1, tokens});
  for (int64_t i = 0; i < tokens; ++i) pos.at(i) = static_cast<double>(past + i);
  Tensor freqs = MatMul(inv, pos).Transpose(1, 2);
  Tensor emb = Cat({freqs, freqs}, 2);
  cos = WithScalar(Map(emb, Cos), 1.0, Mul).Reshape({1, 1, tokens, dim});
  sin = WithScalar(Map(emb, Sin), 1.0, Mul).Reshape({1, 1, tokens, dim});
}

Tensor RotaryRef(const Tensor& x, const Tensor& cos, const Tensor& sin) {
  int64_t d = x.dim(-1);
  Tensor rot = Cat({Map(x.Slice(3, d / 2, d), Neg), x.Slice(3, 0, d / 2)}, 3);
  return Binary(Binary(x, cos, Mul), Binary(rot, sin, Mul), Add);
}

}  // namespace reference
