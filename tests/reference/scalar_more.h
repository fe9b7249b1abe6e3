// More counted scalar operations for the op proofs (tests/op_proofs/): each performs one real
// operation and counts one FLOP, like scalar_ops.h.
#pragma once

#include <cmath>

#include "reference/scalar_ops.h"

namespace reference {

inline void CountFlop() { ++Counter::Get().Current().flops; }
/// One evaluation of an elementary function (log, tan, asinh, pow, round, ...).
inline double Elementary(double (*f)(double), double a) { CountFlop(); return f(a); }
inline double Log(double a) { return Elementary(std::log, a); }
inline double Abs(double a) { return Elementary(std::fabs, a); }
inline double Min(double a, double b) { CountFlop(); return a < b ? a : b; }
inline double PowE(double a, double e) { CountFlop(); return std::pow(a, e); }
/// A comparison (one FLOP, as Greater).
inline bool Less(double a, double b) { CountFlop(); return a < b; }

}  // namespace reference
