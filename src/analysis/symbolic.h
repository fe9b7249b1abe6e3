// --symbolic: the totals as exact polynomials. One forward call's MACs and FLOPs as a polynomial
// in batch b and sequence length s (of degree at most 2 in each; the prefill of a generation, or
// the forward pass of an encoder), and one decode step's as a polynomial in b and the context
// length c (tokens attended to, the new one included). Fitted exactly (rational coefficients)
// from analyses at b in {1, 2, 3} and s in {2, 3, 4} (c in {3, 4, 5}), then checked against
// analyses at many more points; a cost that is no polynomial of that degree there (sliding windows,
// images) is refused, never guessed.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "analysis/analyze.h"

namespace calflops {

/// sum over i, j <= 2 of coef[i][j] / den x b^i x v^j (v: s or c); den is 1, 2 or 4.
struct Polynomial2 {
  std::array<std::array<__int128, 3>, 3> coef{};
  __int128 den = 1;
  /// The exact value at (b, v); throws if it is not an integer or overflows.
  Count At(int64_t b, int64_t v) const;
  /// "3/2·b·s² + 4·b·s + 12" (the variable names given; "0" when zero).
  std::string ToString(const char* b_name, const char* v_name) const;
};

struct SymbolicCost {
  std::string name;      ///< "prefill", "forward", "decode step"
  std::string variable;  ///< "s" or "c"
  Polynomial2 macs;
  Polynomial2 flops;
  int64_t from = 2;        ///< smallest s (or c) the polynomial holds from
  int checked_points = 0;  ///< analyses the polynomials were checked against, beyond the fit
};

enum class SymbolicCall { kForward, kPrefill, kDecodeStep };

/// The workload FitCall analyses for one point (b, v) of a kind of call.
Workload SymbolicWorkload(const Workload& base, SymbolicCall kind, int64_t b, int64_t v);

/// BuildOptions::routed_tokens for SymbolicCosts(arch, base, ...): the tokens of every call its
/// probe, fits and checks trace (PlannedRoutedTokens of each), so that routed experts of equal
/// load in all of them are built once, as the numeric path builds them for its one workload.
/// DeepSeek-V3 (256 experts, top-8): 32 runs a layer instead of 256 experts.
std::vector<int64_t> SymbolicRoutedTokens(const Architecture& arch, const Workload& base);

/// The polynomials of one kind of call, fitted then checked at every (b, v) of the lists (points
/// past the model's limits skipped; at least 3 must remain).
SymbolicCost FitCall(const Architecture& arch, const Workload& base, Convention c,
                     SymbolicCall kind, const std::vector<int64_t>& check_b,
                     const std::vector<int64_t>& check_v);

/// The polynomials for the workload's kind: a decoder's prefill and decode step, an encoder's
/// forward. Throws Unsupported when the counts are not polynomial over the checked points.
std::vector<SymbolicCost> SymbolicCosts(const Architecture& arch, const Workload& base,
                                        Convention c);

}  // namespace calflops
