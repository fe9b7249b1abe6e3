// What the tool prints is text a terminal only displays: names from the input (a device
// description, an ONNX op_type or dim_param, a GGUF architecture) can hold escape sequences.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace calflops {

/// `s` with every control character except newline and tab, every C1 control (U+0080..U+009F)
/// and every byte that is not UTF-8 escaped (\x1b, \u009b, \xff), as error messages are
/// (model/error.h); implemented beside them in model/error.cc.
std::string PrintableText(std::string_view s);
/// True when PrintableText(s) == s (no copy needed).
bool IsPrintableText(std::string_view s);

/// Length of the well-formed UTF-8 sequence starting at s[i], or 0 (RFC 3629: no overlong
/// forms, no surrogates, nothing above U+10FFFF).
size_t Utf8Length(std::string_view s, size_t i);

}  // namespace calflops
