#include "reference/op_ref_attention.h"

#include <cmath>
#include <vector>

#include "reference/scalar_ops.h"

namespace reference {

Tensor AttentionKernelRef(const Tensor& q, const Tensor& k, const Tensor& v, bool masked) {
  int64_t b = q.dim(0), h = q.dim(1), sq = q.dim(2), d = q.dim(3);
  int64_t hkv = k.dim(1), sk = k.dim(2), dv = v.dim(3);
  Tensor out({b, h, sq, dv});
  Tensor& qq = const_cast<Tensor&>(q);
  Tensor& kk = const_cast<Tensor&>(k);
  Tensor& vv = const_cast<Tensor&>(v);
  double scale = 1.0 / std::sqrt(static_cast<double>(d > 0 ? d : 1));
  for (int64_t bi = 0; bi < b; ++bi)
    for (int64_t hi = 0; hi < h; ++hi) {
      int64_t g = hi / (h / hkv);  // the KV head this query head reads
      for (int64_t i = 0; i < sq; ++i) {
        if (sk == 0) continue;  // no keys: nothing to attend to
        Tensor row({sk});
        for (int64_t j = 0; j < sk; ++j) {
          double s = 0;
          for (int64_t x = 0; x < d; ++x) s = Mac(s, qq({bi, hi, i, x}), kk({bi, g, j, x}));
          s = Mul(s, scale);
          if (masked) s = Add(s, j > i + sk - sq ? -1e9 : 0.0);  // causal, as an added bias
          row.at(j) = s;
        }
        Tensor p = SoftmaxLast(row);
        for (int64_t x = 0; x < dv; ++x) {
          double acc = 0;
          for (int64_t j = 0; j < sk; ++j) acc = Mac(acc, p.at(j), vv({bi, g, j, x}));
          out({bi, hi, i, x}) = acc;
        }
      }
    }
  return out;
}

Tensor RotaryRef(const Tensor& x, int64_t row, int64_t rot) {
  Tensor out = x;
  if (row <= 0) return out;
  int64_t half = rot / 2;
  for (int64_t r = 0; r < x.numel() / row; ++r)
    for (int64_t i = 0; i < half; ++i) {
      double a = x.at(r * row + i), b = x.at(r * row + i + half);
      double c = std::cos(0.1 * static_cast<double>(i)), s = std::sin(0.1 * static_cast<double>(i));
      out.at(r * row + i) = Sub(Mul(a, c), Mul(b, s));
      out.at(r * row + i + half) = Add(Mul(b, c), Mul(a, s));
    }
  return out;
}

Tensor SelectiveScanRef(const Tensor& u, const Tensor& delta, const Tensor& b, const Tensor& c,
                        const Tensor& a) {
  int64_t batch = u.dim(0), in = u.dim(1), seq = u.dim(2), n = b.dim(2);
  Tensor y(u.shape());
  for (int64_t bi = 0; bi < batch; ++bi)
    for (int64_t i = 0; i < in; ++i) {
      std::vector<double> h(static_cast<size_t>(n), 0.0);
      for (int64_t s = 0; s < seq; ++s) {
        double dt = delta.at((bi * in + i) * seq + s), x = u.at((bi * in + i) * seq + s);
        double acc = 0;
        for (int64_t j = 0; j < n; ++j) {
          auto& hj = h[static_cast<size_t>(j)];
          double da = Exp(Mul(dt, a.at(i * n + j)));
          double dbu = Mul(Mul(dt, b.at((bi * seq + s) * n + j)), x);
          hj = Add(Mul(da, hj), dbu);
          acc = Mac(acc, hj, c.at((bi * seq + s) * n + j));
        }
        y.at((bi * in + i) * seq + s) = acc;
      }
    }
  return y;
}

}  // namespace reference
