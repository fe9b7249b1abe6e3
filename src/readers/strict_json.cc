#include "readers/strict_json.h"

#include <unordered_set>
#include <vector>

#include "model/error.h"
#include "readers/byte_reader.h"

namespace calflops {

using nlohmann::json;

uint64_t KeyOffset(std::string_view text, std::string_view key, uint64_t base_offset, size_t from) {
  std::string quoted;
  quoted.reserve(key.size() + 2);
  quoted.append(1, '"').append(key).append(1, '"');
  size_t at = text.find(quoted, from);
  return base_offset + (at == std::string_view::npos ? 0 : at);
}

const char* JsonTypeName(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::number_float: return "a float";
    case json::value_t::number_integer: return "a negative integer";
    case json::value_t::number_unsigned: return "an integer";
    default: return "an unknown value";
  }
}

json ParseStrictJson(std::string_view text, const std::string& source, uint64_t base_offset) {
  // One key set per open object: a repeated key is an error, not "last one wins".
  std::vector<std::unordered_set<std::string>> open;
  auto check = [&](int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start: open.emplace_back(); break;
      case json::parse_event_t::object_end: open.pop_back(); break;
      case json::parse_event_t::key: {
        const std::string& k = parsed.get_ref<const std::string&>();
        if (!open.back().insert(k).second) {
          uint64_t first = KeyOffset(text, k, 0);
          uint64_t second = KeyOffset(text, k, base_offset, static_cast<size_t>(first) + 1);
          throw BadInput(source + ": key " + QuoteName(k) + " at offset " + std::to_string(second),
                         "duplicate key");
        }
        break;
      }
      default: break;
    }
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), check);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..."
    auto colon = what.find(": ", what.find("parse error"));
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    uint64_t at = base_offset + (e.byte > 0 ? e.byte - 1 : 0);
    throw BadInput(source + ": offset " + std::to_string(at), "invalid JSON: " + detail);
  } catch (const json::exception& e) {
    // A number out of range ("1e999") is reported as out_of_range, not parse_error.
    std::string what = e.what();
    auto end = what.find("] ");
    throw BadInput(source, "invalid JSON: " + (end == std::string::npos ? what : what.substr(end + 2)));
  }
}

}  // namespace calflops
