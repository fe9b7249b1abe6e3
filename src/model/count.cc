#include "model/count.h"

#include <algorithm>
#include <cmath>

namespace calflops {

Error OverflowError(const std::string& what) {
  return Error(ExitCode::kOverflow, "", "count overflow: " + what + " exceeds 2^128-1");
}

void Count::NegativeError(int64_t v) {
  throw Error(ExitCode::kInternal, "", "negative count " + std::to_string(v));
}

void Count::OverflowOn(const char* what) { throw OverflowError(what); }

Count& Count::operator-=(Count o) {
  if (o.v_ > v_) throw Error(ExitCode::kInternal, "", "count underflow");
  v_ -= o.v_;
  return *this;
}

std::string Count::ToString() const {
  if (v_ == 0) return "0";
  std::string s;
  for (u128 v = v_; v != 0; v /= 10) s.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
  std::reverse(s.begin(), s.end());
  return s;
}

namespace count {
namespace {
int BitLength(u128 v) {
  int n = 0;
  while (v != 0) {
    v >>= 1;
    ++n;
  }
  return n;
}
}  // namespace
}  // namespace count

double DivideToDouble(Count a, Count b) {
  u128 n = a.value(), d = b.value();
  if (d == 0) throw Error(ExitCode::kInternal, "", "division by zero");
  if (n == 0) return 0.0;
  // Scale so the integer quotient carries >= 55 significant bits, keep a sticky bit for the
  // remainder, and let the (correctly rounding) u128 -> double conversion do the rest.
  int shift = std::max(0, 56 + count::BitLength(d) - count::BitLength(n));
  int headroom = 127 - count::BitLength(n);
  if (shift > headroom) {
    // Too wide for exact scaling (operands beyond ~2^70): fall back to long double.
    return static_cast<double>(static_cast<long double>(n) / static_cast<long double>(d));
  }
  u128 scaled = n << shift;
  u128 q = scaled / d;
  bool sticky = (scaled % d) != 0;
  if (q >> 126) return static_cast<double>(q);  // so wide that the sticky bit cannot matter
  u128 q2 = (q << 1) | (sticky ? 1 : 0);
  return std::ldexp(static_cast<double>(q2), -(shift + 1));
}

}  // namespace calflops
