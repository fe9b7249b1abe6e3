#include "reference/op_ref_norm.h"

#include <cmath>

#include "reference/scalar_more.h"

namespace reference {

namespace {
/// Calls f(row start) for each row of n elements.
template <class F>
void Rows(const Tensor& x, int64_t n, F&& f) {
  if (n <= 0) return;
  for (int64_t r = 0; r < x.numel() / n; ++r) f(r * n);
}
/// Sum of n values starting at x[s] transformed by g: n - 1 adds.
template <class G>
double RowSum(const Tensor& x, int64_t s, int64_t n, G&& g) {
  double acc = g(x.at(s));
  for (int64_t i = 1; i < n; ++i) acc = Add(acc, g(x.at(s + i)));
  return acc;
}
double Id(double v) { return v; }
}  // namespace

Tensor SoftmaxRows(const Tensor& x, int64_t n) {
  Tensor out(x.shape());
  Rows(x, n, [&](int64_t s) {
    double mx = x.at(s);
    for (int64_t i = 1; i < n; ++i) mx = Max(mx, x.at(s + i));
    for (int64_t i = 0; i < n; ++i) out.at(s + i) = Exp(Sub(x.at(s + i), mx));
    double sum = RowSum(out, s, n, Id);
    for (int64_t i = 0; i < n; ++i) out.at(s + i) = Div(out.at(s + i), sum);
  });
  return out;
}

Tensor LogSoftmaxRows(const Tensor& x, int64_t n) {
  Tensor out(x.shape());
  Rows(x, n, [&](int64_t s) {
    double mx = x.at(s);
    for (int64_t i = 1; i < n; ++i) mx = Max(mx, x.at(s + i));
    for (int64_t i = 0; i < n; ++i) out.at(s + i) = Sub(x.at(s + i), mx);
    double lse = Log(RowSum(out, s, n, [](double v) { return Exp(v); }));
    for (int64_t i = 0; i < n; ++i) out.at(s + i) = Sub(out.at(s + i), lse);
  });
  return out;
}

Tensor LayerNormRows(const Tensor& x, int64_t n, bool weight, bool bias) {
  Tensor out(x.shape());
  auto dn = static_cast<double>(n);
  Rows(x, n, [&](int64_t s) {
    double mean = Div(RowSum(x, s, n, Id), dn);
    for (int64_t i = 0; i < n; ++i) out.at(s + i) = Sub(x.at(s + i), mean);
    double var = Div(RowSum(out, s, n, [](double c) { return Mul(c, c); }), dn);
    double r = Rsqrt(Add(var, 1e-5));
    for (int64_t i = 0; i < n; ++i) {
      double v = Mul(out.at(s + i), r);
      if (weight) v = Mul(v, 1.5);
      if (bias) v = Add(v, 0.25);
      out.at(s + i) = v;
    }
  });
  return out;
}

Tensor RmsNormRows(const Tensor& x, int64_t n, bool weight) {
  Tensor out(x.shape());
  Rows(x, n, [&](int64_t s) {
    double ms = Div(RowSum(x, s, n, [](double v) { return Mul(v, v); }), static_cast<double>(n));
    double r = Rsqrt(Add(ms, 1e-6));
    for (int64_t i = 0; i < n; ++i) {
      double v = Mul(x.at(s + i), r);
      out.at(s + i) = weight ? Mul(v, 1.5) : v;
    }
  });
  return out;
}

Tensor LpNormRows(const Tensor& x, int64_t n, int p) {
  Tensor out(x.shape());
  Rows(x, n, [&](int64_t s) {
    double norm = p == 2 ? Sqrt(RowSum(x, s, n, [](double v) { return Mul(v, v); }))
                         : RowSum(x, s, n, Abs);
    for (int64_t i = 0; i < n; ++i) out.at(s + i) = Div(x.at(s + i), norm);
  });
  return out;
}

Tensor BatchNormRef(const Tensor& x) {
  int64_t c = x.dim(1), inner = 1;
  for (int i = 2; i < x.rank(); ++i) inner *= x.dim(i);
  std::vector<double> std_dev(static_cast<size_t>(c));
  for (auto& s : std_dev) s = Sqrt(Add(0.8, 1e-5));  // per channel: var + eps, sqrt
  Tensor out(x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) {
    int64_t ch = (i / inner) % c;
    out.at(i) = Add(Mul(Div(Sub(x.at(i), 0.1), std_dev[static_cast<size_t>(ch)]), 1.5), 0.2);
  }
  return out;
}

Tensor LrnRef(const Tensor& x, int64_t size) {
  int64_t c = x.dim(1), inner = 1;
  for (int i = 2; i < x.rank(); ++i) inner *= x.dim(i);
  int64_t before = (size - 1) / 2;
  Tensor out(x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) {
    int64_t ch = (i / inner) % c;
    double sum = 0;
    for (int64_t j = 0; j < size; ++j) {
      int64_t cj = ch - before + j;
      double v = cj >= 0 && cj < c ? x.at(i + (cj - ch) * inner) : 0.0;  // zero-padded edge
      double sq = Mul(v, v);
      sum = j == 0 ? sq : Add(sum, sq);
    }
    double denom = PowE(Add(0.5, Mul(1e-4 / static_cast<double>(size), sum)), 0.75);
    out.at(i) = Div(x.at(i), denom);
  }
  return out;
}

}  // namespace reference
