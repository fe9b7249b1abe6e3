// Text placed in HTML or SVG (element content and quoted attribute values).
#pragma once

#include <string>
#include <string_view>

namespace calflops {

/// `s` with & < > " ' replaced by their character references, so model-controlled names
/// (module paths, class names, config strings) can neither open a tag nor close an attribute.
std::string HtmlEscape(std::string_view s);

}  // namespace calflops
