#include "analysis/symbolic.h"

#include <algorithm>
#include <functional>
#include <numeric>

#include "model/error.h"

namespace calflops {
namespace symbolic {
namespace {

using i128 = __int128;

i128 Mul(i128 a, i128 b) {
  i128 r;
  if (__builtin_mul_overflow(a, b, &r)) throw OverflowError("symbolic polynomial");
  return r;
}
i128 Add(i128 a, i128 b) {
  i128 r;
  if (__builtin_add_overflow(a, b, &r)) throw OverflowError("symbolic polynomial");
  return r;
}

std::string ToDecimal(i128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 u =
      neg ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v);
  std::string s;
  while (u > 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  return neg ? "-" + s : s;
}

i128 Gcd(i128 a, i128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    i128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

i128 FromCount(Count c) {
  i128 v = 0;
  for (char d : c.ToString()) v = Add(Mul(v, 10), d - '0');  // Count keeps its u128 private
  return v;
}

/// The points SymbolicCosts checks its fits at (b, and s or c), and the probe it plans first.
const std::vector<int64_t> kCheckB{1, 4, 7}, kCheckV{5, 33, 128, 509, 1000, 4097};

Workload Probe(const Workload& base) {
  Workload probe = base;
  probe.mode = Mode::kGenerate;
  probe.train = false;
  probe.prompt_tokens = 4;
  probe.max_new_tokens = 2;
  return probe;
}

/// s = v - shift for the fit's grid: from s = 2 (a one-token prefill takes SDPA's unmasked path:
/// a different polynomial) and c = 3 (a decode step after a prompt of 2).
int64_t Shift(SymbolicCall kind) { return kind == SymbolicCall::kDecodeStep ? 2 : 1; }

/// 2 x the coefficients (a0, a1, a2) of the quadratic through f(1), f(2), f(3).
constexpr int kFit[3][3] = {{6, -6, 2}, {-5, 8, -3}, {1, -2, 1}};

/// The polynomial through f at b, x in {1, 2, 3} (x = v - shift), in the variable v.
Polynomial2 Fit(const std::function<Count(int64_t, int64_t)>& f, int64_t shift) {
  i128 F[3][3];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) F[i][j] = FromCount(f(i + 1, j + 1 + shift));
  // 4 x coefficients in (b, x): M F M^T.
  i128 C[3][3] = {};
  for (int p = 0; p < 3; ++p)
    for (int q = 0; q < 3; ++q)
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
          C[p][q] = Add(C[p][q], Mul(Mul(kFit[p][i], kFit[q][j]), F[i][j]));
  // x = v - shift: x^2 = v^2 - 2 shift v + shift^2.
  Polynomial2 poly;
  poly.den = 4;
  for (int p = 0; p < 3; ++p) {
    i128 a0 = C[p][0], a1 = C[p][1], a2 = C[p][2], s = shift;
    poly.coef[p][0] = Add(Add(a0, Mul(-a1, s)), Mul(a2, Mul(s, s)));
    poly.coef[p][1] = Add(a1, Mul(-2 * s, a2));
    poly.coef[p][2] = a2;
  }
  // Reduce by the common factor.
  i128 g = poly.den;
  for (auto& row : poly.coef)
    for (i128 c : row) g = Gcd(g, c);
  if (g > 1) {
    for (auto& row : poly.coef)
      for (i128& c : row) c /= g;
    poly.den /= g;
  }
  return poly;
}

}  // namespace
}  // namespace symbolic

Count Polynomial2::At(int64_t b, int64_t v) const {
  symbolic::i128 sum = 0, bp = 1;
  for (int i = 0; i < 3; ++i, bp = symbolic::Mul(bp, b)) {
    symbolic::i128 vp = 1;
    for (int j = 0; j < 3; ++j, vp = symbolic::Mul(vp, v))
      sum = symbolic::Add(sum, symbolic::Mul(coef[i][j], symbolic::Mul(bp, vp)));
  }
  if (sum < 0 || sum % den != 0) {
    throw Error(ExitCode::kInternal, "", "symbolic polynomial is not a count at this point");
  }
  return Count::FromU128(static_cast<unsigned __int128>(sum / den));  // sum >= 0 checked above
}

std::string Polynomial2::ToString(const char* b_name, const char* v_name) const {
  std::string s;
  const char* pow[3] = {"", "", "²"};
  for (int i = 2; i >= 0; --i) {
    for (int j = 2; j >= 0; --j) {
      symbolic::i128 c = coef[i][j];
      if (c == 0) continue;
      symbolic::i128 g = symbolic::Gcd(c, den), n = c / g, d = den / g;
      std::string term = (n < 0 ? "-" : "") + symbolic::ToDecimal(n < 0 ? -n : n) +
                         (d > 1 ? "/" + symbolic::ToDecimal(d) : "");
      if (i > 0) term += std::string("·") + b_name + pow[i];
      if (j > 0) term += std::string("·") + v_name + pow[j];
      if (!s.empty())
        s += term[0] == '-' ? " - " + term.substr(1) : " + " + term;
      else
        s = term;
    }
  }
  return s.empty() ? "0" : s;
}

Workload SymbolicWorkload(const Workload& base, SymbolicCall kind, int64_t b, int64_t v) {
  const bool decode = kind == SymbolicCall::kDecodeStep;
  Workload w = base;
  w.train = false;
  w.batch = b;
  if (kind == SymbolicCall::kForward) {
    w.mode = Mode::kForward;
    w.seq_len = v;
  } else {
    w.mode = Mode::kGenerate;
    w.prompt_tokens = decode ? v - 1 : v;  // decode: context = prompt + the new token
    w.max_new_tokens = decode ? 2 : 1;
  }
  return w;
}

std::vector<int64_t> SymbolicRoutedTokens(const Architecture& arch, const Workload& base) {
  std::vector<int64_t> tokens;
  auto add = [&](const Workload& w) {
    try {
      for (int64_t t : PlannedRoutedTokens(arch, w)) tokens.push_back(t);
    } catch (const Error&) {
      // A workload the model refuses (an encoder asked to generate, past its positions) is
      // skipped by the fit as well.
    }
  };
  add(symbolic::Probe(base));
  for (SymbolicCall kind :
       {SymbolicCall::kForward, SymbolicCall::kPrefill, SymbolicCall::kDecodeStep}) {
    const int64_t shift = symbolic::Shift(kind);
    for (int64_t b = 1; b <= 3; ++b)
      for (int64_t x = 1; x <= 3; ++x) add(SymbolicWorkload(base, kind, b, x + shift));
    for (int64_t b : symbolic::kCheckB)
      for (int64_t v : symbolic::kCheckV)
        if (v > shift) add(SymbolicWorkload(base, kind, b, v));
  }
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
  return tokens;
}

SymbolicCost FitCall(const Architecture& arch, const Workload& base, Convention c,
                     SymbolicCall kind, const std::vector<int64_t>& check_b,
                     const std::vector<int64_t>& check_v) {
  const bool decode = kind == SymbolicCall::kDecodeStep;
  // One analysis per (b, v) gives both MACs and FLOPs.
  auto call = [&](int64_t b, int64_t tokens) -> CallStats {
    Profile p = Analyze(arch, SymbolicWorkload(base, kind, b, tokens), c);
    return p.Call(decode ? 1 : 0);
  };
  SymbolicCost sc;
  sc.name = decode ? "decode step" : kind == SymbolicCall::kPrefill ? "prefill" : "forward";
  sc.variable = decode ? "c" : "s";
  const int64_t shift = symbolic::Shift(kind);
  sc.from = shift + 1;
  std::array<std::array<CallStats, 3>, 3> grid;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) grid[i][j] = call(i + 1, j + 1 + shift);
  sc.macs =
      symbolic::Fit([&](int64_t b, int64_t v) { return grid[b - 1][v - 1 - shift].macs; }, shift);
  sc.flops =
      symbolic::Fit([&](int64_t b, int64_t v) { return grid[b - 1][v - 1 - shift].flops; }, shift);
  for (int64_t b : check_b) {
    for (int64_t v : check_v) {
      if (v < sc.from) continue;
      CallStats s;
      try {
        s = call(b, v);
      } catch (const Error& e) {
        if (e.code() != ExitCode::kBadInput) throw;
        continue;  // past the model's limits (an encoder's position table)
      }
      if (sc.macs.At(b, v) != s.macs || sc.flops.At(b, v) != s.flops) {
        throw Unsupported("--symbolic", sc.name + " cost is not a polynomial of degree 2 in " +
                                            "batch and " +
                                            (decode ? "context" : "sequence length") +
                                            " (differs at b=" + std::to_string(b) + ", " +
                                            sc.variable + "=" + std::to_string(v) + ")");
      }
      ++sc.checked_points;
    }
  }
  if (sc.checked_points < 3) {
    throw Unsupported("--symbolic", "the model takes too few tokens to check a polynomial");
  }
  return sc;
}

std::vector<SymbolicCost> SymbolicCosts(const Architecture& arch, const Workload& base,
                                        Convention c) {
  // Does the model generate? Plan a two-token generation and see whether it has a decode call.
  bool decoder = false;
  try {
    decoder = Analyze(arch, symbolic::Probe(base), c).CallCount() > 1;
  } catch (const Error&) {
    decoder = false;  // encoders refuse --mode generate
  }
  const std::vector<int64_t>&bs = symbolic::kCheckB, &vs = symbolic::kCheckV;
  if (!decoder) return {FitCall(arch, base, c, SymbolicCall::kForward, bs, vs)};
  return {FitCall(arch, base, c, SymbolicCall::kPrefill, bs, vs),
          FitCall(arch, base, c, SymbolicCall::kDecodeStep, bs, vs)};
}

}  // namespace calflops
