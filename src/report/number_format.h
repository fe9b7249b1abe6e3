// calflops' number formatting (calflops-spec.md section 2.1 and 2.2), reproduced exactly: unit
// chosen before rounding, Python round() on the exact binary double (ties to even), then "%g".
#pragma once

#include <optional>
#include <string>

#include "model/count.h"

namespace calflops {

/// number_to_string: "<%g of round(num / magnitude, precision)> <unit>". `unit` forces the
/// magnitude ("T", "G", "M", "K", "m", "u"; anything else means 1 but is still printed).
std::string NumberToString(double num, const std::optional<std::string>& unit, int precision);
std::string FlopsToString(double num, const std::optional<std::string>& unit, int precision);
std::string MacsToString(double num, const std::optional<std::string>& unit, int precision);
/// params_to_string: "B" accepted for billions, "G" printed as "B", whitespace stripped.
std::string ParamsToString(double num, std::optional<std::string> unit, int precision);
/// "{:g}".format(round(100 * part / total, precision)); 0 when total is 0.
std::string Percentage(Count part, Count total, int precision);

/// Python's round(x, ndigits) for floats: exact decimal rounding of the binary value.
double PyRound(double x, int ndigits);
/// Python's format(x, "g").
std::string PyFormatG(double x);

}  // namespace calflops
