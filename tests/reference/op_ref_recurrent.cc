#include "reference/op_ref_recurrent.h"

#include <vector>

#include "reference/scalar_ops.h"

namespace reference {

namespace {

using calflops::OpKind;
using Vec = std::vector<double>;

double Sigmoid(double x) { return Div(1.0, Add(1.0, Exp(Neg(x)))); }

Vec Random(std::mt19937& rng, int64_t n) {
  std::uniform_real_distribution<double> d(-0.5, 0.5);
  Vec v(static_cast<size_t>(n));
  for (auto& x : v) x = d(rng);
  return v;
}

/// Row `row` of a (rows, n) matrix times v: n multiply-accumulates.
double Dot(const Vec& m, int64_t row, const Vec& v) {
  double acc = 0;
  auto n = static_cast<int64_t>(v.size());
  for (int64_t i = 0; i < n; ++i) acc = Mac(acc, m[static_cast<size_t>(row * n + i)], v[static_cast<size_t>(i)]);
  return acc;
}

struct Weights {
  Vec w, r, wb, rb, p;  // W (G H, I), R (G H, H), biases (G H each), peepholes (3 H)
};

/// One step of one batch row: updates h (and c for the LSTM).
void Step(const RecurrentSpec& s, const Weights& wt, const Vec& x, Vec& h, Vec& c) {
  int64_t hs = s.hidden;
  auto idx = [](int64_t i) { return static_cast<size_t>(i); };
  // x W^T + h R^T (+ Wb + Rb) for gate g, unit j; `hr` replaces h in the recurrent product.
  auto gate = [&](int64_t g, int64_t j, const Vec& hr) {
    double v = Add(Dot(wt.w, g * hs + j, x), Dot(wt.r, g * hs + j, hr));
    if (s.bias) v = Add(Add(v, wt.wb[idx(g * hs + j)]), wt.rb[idx(g * hs + j)]);
    return v;
  };
  Vec next(idx(hs));
  if (s.kind == OpKind::kRnn) {
    for (int64_t j = 0; j < hs; ++j) next[idx(j)] = Tanh(gate(0, j, h));
  } else if (s.kind == OpKind::kGru) {  // gates z, r, h
    Vec z(idx(hs)), r(idx(hs)), rh(idx(hs));
    for (int64_t j = 0; j < hs; ++j) z[idx(j)] = Sigmoid(gate(0, j, h));
    for (int64_t j = 0; j < hs; ++j) r[idx(j)] = Sigmoid(gate(1, j, h));
    for (int64_t j = 0; j < hs; ++j) {
      double cand;
      if (s.linear_before_reset) {  // r * (h R_h^T + Rb_h), then + x W_h^T + Wb_h
        double rec = Dot(wt.r, 2 * hs + j, h);
        if (s.bias) rec = Add(rec, wt.rb[idx(2 * hs + j)]);
        cand = Add(Dot(wt.w, 2 * hs + j, x), Mul(r[idx(j)], rec));
        if (s.bias) cand = Add(cand, wt.wb[idx(2 * hs + j)]);
      } else {  // (r * h) R_h^T
        if (j == 0)
          for (int64_t k = 0; k < hs; ++k) rh[idx(k)] = Mul(r[idx(k)], h[idx(k)]);
        cand = gate(2, j, rh);
      }
      cand = Tanh(cand);
      // (1 - z) h~ + z h
      next[idx(j)] = Add(Mul(Sub(1.0, z[idx(j)]), cand), Mul(z[idx(j)], h[idx(j)]));
    }
  } else {  // LSTM gates i, o, f, c
    for (int64_t j = 0; j < hs; ++j) {
      double i = gate(0, j, h), o = gate(1, j, h), f = gate(2, j, h), g = gate(3, j, h);
      if (s.peepholes) {
        i = Add(i, Mul(wt.p[idx(j)], c[idx(j)]));
        f = Add(f, Mul(wt.p[idx(2 * hs + j)], c[idx(j)]));
      }
      i = Sigmoid(i);
      f = Sigmoid(f);
      double cn = Add(Mul(f, c[idx(j)]), Mul(i, Tanh(g)));
      if (s.peepholes) o = Add(o, Mul(wt.p[idx(hs + j)], cn));
      next[idx(j)] = Mul(Sigmoid(o), Tanh(cn));
      c[idx(j)] = cn;
    }
  }
  h = next;
}

}  // namespace

void RecurrentRef(const RecurrentSpec& s, std::mt19937& rng) {
  int64_t gates = s.kind == OpKind::kRnn ? 1 : s.kind == OpKind::kGru ? 3 : 4;
  int64_t gh = gates * s.hidden;
  std::vector<Vec> xs;
  for (int64_t t = 0; t < s.seq * s.batch; ++t) xs.push_back(Random(rng, s.input));
  for (int64_t d = 0; d < s.dirs; ++d) {
    Weights wt{Random(rng, gh * s.input), Random(rng, gh * s.hidden), Random(rng, gh),
               Random(rng, gh), Random(rng, 3 * s.hidden)};
    for (int64_t b = 0; b < s.batch; ++b) {
      Vec h(static_cast<size_t>(s.hidden), 0.0), c(static_cast<size_t>(s.hidden), 0.0);
      for (int64_t step = 0; step < s.seq; ++step) {
        int64_t t = d == 0 ? step : s.seq - 1 - step;  // the second direction runs backwards
        Step(s, wt, xs[static_cast<size_t>(t * s.batch + b)], h, c);
      }
    }
  }
}

}  // namespace reference
