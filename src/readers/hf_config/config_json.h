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

/// Whether `text` is a JSON object with `key` among its own (top-level) members. Streams through
/// the text without building it and stops at the key, at the first error, or past
/// kMaxJsonDepth levels (false): a cheap sniff before choosing a reader.
bool JsonHasTopLevelKey(std::string_view text, std::string_view key);

/// "a string", "an integer", ... for type errors.
const char* ConfigJsonTypeName(const nlohmann::json& j);

}  // namespace calflops
