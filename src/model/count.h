// Exact, overflow-checked counts. Every parameter, MAC, FLOP and byte count in the library is a
// Count: an unsigned 128-bit integer whose arithmetic throws instead of wrapping.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "model/error.h"

namespace calflops {

using u128 = unsigned __int128;

class Count {
 public:
  constexpr Count() = default;
  constexpr Count(uint64_t v) : v_(v) {}  // NOLINT: implicit from small integers is convenient
  static constexpr Count FromU128(u128 v) {
    Count c;
    c.v_ = v;
    return c;
  }
  /// From a signed value that must be non-negative (dimension products, sizes).
  static Count FromSigned(int64_t v) {
    if (v < 0) NegativeError(v);
    return Count(static_cast<uint64_t>(v));
  }

  constexpr u128 value() const { return v_; }
  double ToDouble() const { return static_cast<double>(v_); }
  long double ToLongDouble() const { return static_cast<long double>(v_); }
  bool FitsU64() const { return v_ <= UINT64_MAX; }
  std::string ToString() const;

  // Inline: these run for every dimension of every op of every call.
  Count& operator+=(Count o) {
    if (__builtin_add_overflow(v_, o.v_, &v_)) OverflowOn("sum");
    return *this;
  }
  Count& operator-=(Count o);  ///< throws on underflow: counts never go negative
  Count& operator*=(Count o) {
    if (__builtin_mul_overflow(v_, o.v_, &v_)) OverflowOn("product");
    return *this;
  }
  friend Count operator+(Count a, Count b) { return a += b; }
  friend Count operator-(Count a, Count b) { return a -= b; }
  friend Count operator*(Count a, Count b) { return a *= b; }
  friend constexpr bool operator==(Count a, Count b) { return a.v_ == b.v_; }
  friend constexpr auto operator<=>(Count a, Count b) { return a.v_ <=> b.v_; }
  Count operator/(Count o) const { return FromU128(v_ / o.v_); }

 private:
  [[noreturn]] static void NegativeError(int64_t v);
  [[noreturn]] static void OverflowOn(const char* what);
  u128 v_ = 0;
};

inline std::ostream& operator<<(std::ostream& o, Count c) { return o << c.ToString(); }

/// Thrown when a count would exceed 2^128 - 1.
Error OverflowError(const std::string& what);

/// The exact quotient a / b rounded to the nearest double, ties to even (what Python's int / int
/// gives). b must be non-zero.
double DivideToDouble(Count a, Count b);

}  // namespace calflops
