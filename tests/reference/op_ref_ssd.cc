#include "reference/op_ref_ssd.h"

#include <limits>

namespace reference {

namespace {

size_t Ix(int64_t i) { return static_cast<size_t>(i); }

/// exp(segment_sum(a)) as 4.45 writes it: X[i][j] = a[i], zeroed where i <= j, cumsum over i
/// (n - 1 adds per column), -inf where i < j, then exp over all n x n. Row-major [i][j].
std::vector<double> ExpSegmentSum(const std::vector<double>& a) {
  size_t n = a.size();
  std::vector<double> s(n * n, 0.0);
  for (size_t j = 0; j < n; ++j) {
    double run = 0.0;  // X[0][j] is masked (0 > j never holds)
    s[j] = run;
    for (size_t i = 1; i < n; ++i) {
      run = Add(run, i > j ? a[i] : 0.0);
      s[i * n + j] = run;
    }
  }
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j)
      s[i * n + j] = Exp(i >= j ? s[i * n + j] : -std::numeric_limits<double>::infinity());
  return s;
}

}  // namespace

Tensor SsdScanRef(const Tensor& x, const Tensor& adt, const Tensor& bm, const Tensor& cm, int64_t Q,
                  Tensor* final_state) {
  int64_t B = x.dim(0), S = x.dim(1), H = x.dim(2), P = x.dim(3), N = bm.dim(3);
  int64_t T = (S + Q - 1) / Q * Q, C = T / Q;
  // Reads past S are the zero padding of reshape_into_chunks.
  auto at = [&](const Tensor& t, int64_t bi, int64_t s, int64_t h, int64_t k) {
    int64_t K = t.dim(3);
    return s < S ? t.at(((bi * S + s) * H + h) * K + k) : 0.0;
  };
  auto a_at = [&](int64_t bi, int64_t s, int64_t h) {
    return s < S ? adt.at((bi * S + s) * H + h) : 0.0;
  };
  Tensor y({B, T, H, P});
  if (final_state) *final_state = Tensor({B, H, P, N});
  for (int64_t bi = 0; bi < B; ++bi)
    for (int64_t h = 0; h < H; ++h) {
      std::vector<std::vector<double>> acs(Ix(C));
      std::vector<double> st(Ix((C + 1) * P * N), 0.0);  // [z][p][n]; z = 0: the zero state
      for (int64_t ci = 0; ci < C; ++ci) {
        std::vector<double> a(Ix(Q));
        for (int64_t l = 0; l < Q; ++l) a[Ix(l)] = a_at(bi, ci * Q + l, h);
        auto& cs = acs[Ix(ci)];  // A_cumsum
        cs.assign(Ix(Q), 0.0);
        cs[0] = a[0];
        for (int64_t l = 1; l < Q; ++l) cs[Ix(l)] = Add(cs[Ix(l - 1)], a[Ix(l)]);
        std::vector<double> L = ExpSegmentSum(a);
        std::vector<double> M(Ix(Q * Q));  // G = C B^T, then * L
        for (int64_t l = 0; l < Q; ++l)
          for (int64_t u = 0; u < Q; ++u) {
            double g = 0;
            for (int64_t j = 0; j < N; ++j)
              g = Mac(g, at(cm, bi, ci * Q + l, h, j), at(bm, bi, ci * Q + u, h, j));
            M[Ix(l * Q + u)] = Mul(g, L[Ix(l * Q + u)]);
          }
        for (int64_t l = 0; l < Q; ++l)
          for (int64_t p = 0; p < P; ++p) {  // Y_diag = M x
            double acc = 0;
            for (int64_t u = 0; u < Q; ++u)
              acc = Mac(acc, M[Ix(l * Q + u)], at(x, bi, ci * Q + u, h, p));
            y({bi, ci * Q + l, h, p}) = acc;
          }
        std::vector<double> bdec(Ix(Q * N));  // B * exp(A_cumsum[-1] - A_cumsum)
        for (int64_t l = 0; l < Q; ++l) {
          double decay = Exp(Sub(cs[Ix(Q - 1)], cs[Ix(l)]));
          for (int64_t j = 0; j < N; ++j)
            bdec[Ix(l * N + j)] = Mul(at(bm, bi, ci * Q + l, h, j), decay);
        }
        for (int64_t p = 0; p < P; ++p)
          for (int64_t j = 0; j < N; ++j) {  // the chunk's state, summed over its steps
            double acc = 0;
            for (int64_t l = 0; l < Q; ++l)
              acc = Mac(acc, bdec[Ix(l * N + j)], at(x, bi, ci * Q + l, h, p));
            st[Ix(((ci + 1) * P + p) * N + j)] = acc;
          }
      }
      // exp(segment_sum(pad(A_cumsum[..., -1], (1, 0)))) times the states, summed over dim 2
      // (the first chunk index) as 4.45 writes it.
      std::vector<double> last(Ix(C + 1), 0.0);
      for (int64_t ci = 0; ci < C; ++ci) last[Ix(ci + 1)] = acs[Ix(ci)][Ix(Q - 1)];
      std::vector<double> dc = ExpSegmentSum(last);
      std::vector<double> res(Ix((C + 1) * P * N));
      for (int64_t z = 0; z <= C; ++z)
        for (int64_t p = 0; p < P; ++p)
          for (int64_t j = 0; j < N; ++j) {
            double acc = 0;
            for (int64_t i = 0; i <= C; ++i)
              acc = Mac(acc, dc[Ix(i * (C + 1) + z)], st[Ix((z * P + p) * N + j)]);
            res[Ix((z * P + p) * N + j)] = acc;
          }
      if (final_state)
        for (int64_t p = 0; p < P; ++p)
          for (int64_t j = 0; j < N; ++j)
            (*final_state)({bi, h, p, j}) = res[Ix((C * P + p) * N + j)];
      // Y_off = (C . states) * exp(A_cumsum); y = Y_diag + Y_off
      for (int64_t ci = 0; ci < C; ++ci)
        for (int64_t l = 0; l < Q; ++l) {
          double decay = Exp(acs[Ix(ci)][Ix(l)]);
          for (int64_t p = 0; p < P; ++p) {
            double acc = 0;
            for (int64_t j = 0; j < N; ++j)
              acc = Mac(acc, at(cm, bi, ci * Q + l, h, j), res[Ix((ci * P + p) * N + j)]);
            double& yy = y({bi, ci * Q + l, h, p});
            yy = Add(yy, Mul(acc, decay));
          }
        }
    }
  return y;
}

}  // namespace reference
