// JSON parsing for file headers and indexes: nlohmann-json plus what it lets through silently
// (a repeated object key, where it keeps the last value), with errors located by file offset.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace calflops {

/// Parses `text`, which starts at byte `base_offset` of `source`. Throws Error(kBadInput):
/// "<source>: offset N: invalid JSON: ..." or "<source>: key 'k' at offset N: duplicate key".
nlohmann::json ParseStrictJson(std::string_view text, const std::string& source,
                               uint64_t base_offset);

/// The members of a top-level JSON object, one at a time, without building the whole document
/// (a 10^6-tensor safetensors header as a DOM took 1.4 GB): `member` gets each key and value,
/// both its to move from. Keys inside values are checked for repeats; the top level's are not
/// (the caller sees every key). Returns false, reporting nothing more, when the text is not an
/// object; errors as ParseStrictJson.
bool ForEachStrictJsonMember(
    std::string_view text, const std::string& source, uint64_t base_offset,
    const std::function<void(std::string& key, nlohmann::json& value)>& member);

/// The file offset of the first `"key"` in `text` at or after `from`, for locating errors
/// (base_offset + position; base_offset when not found).
uint64_t KeyOffset(std::string_view text, std::string_view key, uint64_t base_offset,
                   size_t from = 0);

/// "a string", "an array", ... for type errors.
const char* JsonTypeName(const nlohmann::json& j);

}  // namespace calflops
