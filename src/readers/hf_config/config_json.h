// The JSON layer of the config.json reader: nlohmann-json's parser, bounded by the named limits
// (bytes, nesting depth, string bytes, container elements, values) and stricter than it where it
// would silently guess (a repeated key, a byte-order mark), with every error one located line.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace calflops {

/// Parses config.json text; `source` names the file in errors. Throws Error (kBadInput):
///   "<source>: invalid JSON at line L, column C: <what>",
///   "<source>: key 'a.b[2]': <limit or duplicate>".
nlohmann::json ParseConfigJson(std::string_view text, const std::string& source);

/// "a string", "an integer", ... for type errors.
const char* ConfigJsonTypeName(const nlohmann::json& j);

}  // namespace calflops
