// Python's text forms, needed to print extra_repr strings exactly as PyTorch does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace calflops {

/// repr(float) in Python 3: shortest round-tripping digits; exponent form below 1e-4 or from
/// 1e16 ("1e-05", "1e-06", "0.0001", "10000.0", "1e+16").
std::string PyFloatRepr(double v);
/// Python's tuple repr of ints: "(4096,)", "(14, 14)".
std::string PyTupleRepr(const std::vector<int64_t>& v);
/// "True" / "False".
inline const char* PyBool(bool b) { return b ? "True" : "False"; }

}  // namespace calflops
