#include "report/number_format.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace calflops {

double PyRound(double x, int ndigits) {
  if (!std::isfinite(x) || x == 0) return x;
  // Python's own bounds (floatobject.c, NDIGITS_MAX / NDIGITS_MIN): beyond 323 decimals no
  // double changes, below -308 every double rounds to zero. They also bound the printf below,
  // which otherwise computed all `ndigits` digits (output_precision=10**9: 5 GB, then killed).
  if (ndigits > 323) return x;
  if (ndigits < -308) return 0.0 * x;
  // glibc's printf rounds the exact binary value, ties to even: the same decimal Python's
  // round() produces; reading it back yields the nearest double, as Python returns.
  char buf[700];  // 309 integer digits, the point, 323 decimals, sign and NUL
  if (ndigits >= 0) {
    std::snprintf(buf, sizeof buf, "%.*f", ndigits, x);
    return std::strtod(buf, nullptr);
  }
  double p = std::pow(10.0, -ndigits);
  return std::nearbyint(x / p) * p;
}

std::string PyFormatG(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

std::string NumberToString(double num, const std::optional<std::string>& unit, int precision) {
  double magnitude = 1;
  std::string u;
  if (!unit) {
    if (num >= 1e12) {
      magnitude = 1e12, u = "T";
    } else if (num >= 1e9) {
      magnitude = 1e9, u = "G";
    } else if (num >= 1e6) {
      magnitude = 1e6, u = "M";
    } else if (num >= 1e3) {
      magnitude = 1e3, u = "K";
    } else if (num >= 1 || num == 0) {
      magnitude = 1, u = "";
    } else if (num >= 1e-3) {
      magnitude = 1e-3, u = "m";
    } else {
      magnitude = 1e-6, u = "u";
    }
  } else {
    u = *unit;
    if (u == "T")
      magnitude = 1e12;
    else if (u == "G")
      magnitude = 1e9;
    else if (u == "M")
      magnitude = 1e6;
    else if (u == "K")
      magnitude = 1e3;
    else if (u == "m")
      magnitude = 1e-3;
    else if (u == "u")
      magnitude = 1e-6;
  }
  return PyFormatG(PyRound(num / magnitude, precision)) + " " + u;
}

std::string FlopsToString(double num, const std::optional<std::string>& unit, int precision) {
  return NumberToString(num, unit, precision) + "FLOPS";
}

std::string MacsToString(double num, const std::optional<std::string>& unit, int precision) {
  return NumberToString(num, unit, precision) + "MACs";
}

std::string ParamsToString(double num, std::optional<std::string> unit, int precision) {
  if (unit) {
    for (auto& c : *unit)
      if (c == 'B') c = 'G';
  }
  std::string s = NumberToString(num, unit, precision);
  for (auto& c : s)
    if (c == 'G') c = 'B';
  auto b = s.find_first_not_of(" \t\n");
  auto e = s.find_last_not_of(" \t\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string Percentage(Count part, Count total, int precision) {
  if (total == 0) return "0";
  return PyFormatG(PyRound(DivideToDouble(100 * part, total), precision));
}

}  // namespace calflops
