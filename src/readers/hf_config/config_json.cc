#include "readers/hf_config/config_json.h"

#include <cctype>
#include <optional>
#include <unordered_set>
#include <utility>
#include <vector>

#include "model/error.h"
#include "readers/hf_config/config.h"

namespace calflops {
namespace {

using nlohmann::json;

/// Line and column (1-based) of a byte offset.
std::string LineColumn(std::string_view text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

/// Follows the parser's events to enforce the limits before the document grows past them, and
/// keeps the path of the value being parsed for error messages.
class LimitChecker {
 public:
  explicit LimitChecker(const std::string& source) : source_(source) {}

  void On(json::parse_event_t event, const json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        BeginElement();
        if (frames_.size() >= static_cast<size_t>(kMaxJsonDepth)) {
          Fail("nesting deeper than the limit of " + std::to_string(kMaxJsonDepth) + " levels");
        }
        frames_.emplace_back();
        frames_.back().is_object = event == json::parse_event_t::object_start;
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames_.pop_back();
        break;
      case json::parse_event_t::key: {
        Frame& f = frames_.back();
        const auto& key = parsed.get_ref<const std::string&>();
        f.key = key;
        CheckString(key, "a key");
        if (++f.count > kMaxJsonContainerElements) TooManyElements();
        if (!f.keys.insert(key).second) {
          Fail("appears twice in one object (transformers would silently keep the last value; "
               "remove one)");
        }
        break;
      }
      case json::parse_event_t::value:
        BeginElement();
        if (parsed.is_string()) CheckString(parsed.get_ref<const std::string&>(), "a string");
        break;
    }
  }

 private:
  struct Frame {
    bool is_object = false;
    int64_t count = 0;  ///< members or elements so far
    std::string key;    ///< object: the current key
    std::unordered_set<std::string> keys;
  };

  void BeginElement() {
    if (!frames_.empty() && !frames_.back().is_object) {
      if (++frames_.back().count > kMaxJsonContainerElements) TooManyElements();
    }
    if (++values_ > kMaxJsonValues) {
      Fail("more than " + std::to_string(kMaxJsonValues) + " JSON values in the file (limit)");
    }
  }

  void CheckString(const std::string& s, const char* what) {
    if (s.size() > kMaxJsonStringBytes) {
      Fail(std::string(what) + " of " + std::to_string(s.size()) + " bytes, above the limit of " +
           std::to_string(kMaxJsonStringBytes));
    }
  }

  [[noreturn]] void TooManyElements() {
    Fail("more than " + std::to_string(kMaxJsonContainerElements) + " elements in one " +
         (frames_.back().is_object ? "object" : "array") + " (limit)");
  }

  /// "a.b[3].c" for the value being parsed ("" at the top level).
  std::string Path() const {
    std::string p;
    for (const Frame& f : frames_) {
      if (f.is_object) {
        if (f.count == 0) break;
        if (!p.empty()) p += '.';
        p += f.key;
      } else {
        p += "[" + std::to_string(f.count > 0 ? f.count - 1 : 0) + "]";
      }
    }
    return p;
  }

  [[noreturn]] void Fail(const std::string& what) const {
    std::string path = Path();
    throw BadInput(path.empty() ? source_ : source_ + ": key " + Quote(path, 200), what);
  }

  const std::string& source_;
  std::vector<Frame> frames_;
  int64_t values_ = 0;
};

/// Python's json writes NaN, Infinity and -Infinity; JSON has no such tokens. When the parser
/// stopped on one, returns its offset and a message naming it.
std::optional<std::pair<size_t, std::string>> NonJsonNumber(std::string_view text, size_t stop) {
  size_t start = stop;
  while (start > 0 && std::isalpha(static_cast<unsigned char>(text[start - 1])) != 0) --start;
  if (start > 0 && text[start - 1] == '-') --start;
  for (std::string_view token : {"NaN", "Infinity", "-Infinity"}) {
    if (text.substr(start, token.size()) == token) {
      return std::pair(start, std::string(token) + " is not a JSON number (Python's json writes "
                                                   "it for a non-finite float)");
    }
  }
  return std::nullopt;
}

}  // namespace

const char* ConfigJsonTypeName(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::number_float: return "a float";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    default: return "an unknown value";
  }
}

json ParseConfigJson(std::string_view text, const std::string& source) {
  if (text.size() > kMaxConfigBytes) {
    throw BadInput(source, "file is " + std::to_string(text.size()) + " bytes, above the " +
                               std::to_string(kMaxConfigBytes) + "-byte limit for a config");
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    throw BadInput(source,
                   "invalid JSON at line 1, column 1: starts with a UTF-8 byte-order mark, which "
                   "JSON does not allow (Python's json, hence transformers, rejects it too)");
  }
  LimitChecker checker(source);
  auto callback = [&checker](int /*depth*/, json::parse_event_t event, json& parsed) {
    checker.On(event, parsed);
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), callback);
  } catch (const json::parse_error& e) {
    size_t stop = e.byte > 0 ? e.byte - 1 : 0;
    if (auto bad = NonJsonNumber(text, stop)) {
      throw BadInput(source, "invalid JSON at " + LineColumn(text, bad->first) + ": " + bad->second);
    }
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
    std::string what = e.what();
    auto colon = what.find(": ", what.find("parse error"));
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    throw BadInput(source, "invalid JSON at " + LineColumn(text, stop) + ": " + detail);
  } catch (const json::out_of_range& e) {
    // 406: "number overflow parsing '1e999'" (beyond the range of a double); no offset given, so
    // the token is looked up in the text.
    std::string what = e.what();
    auto q1 = what.find('\''), q2 = what.rfind('\'');
    if (q1 == std::string::npos || q2 <= q1) throw BadInput(source, "invalid JSON: " + what);
    std::string token = what.substr(q1 + 1, q2 - q1 - 1);
    size_t at = text.find(token);
    throw BadInput(source, "invalid JSON at " + LineColumn(text, at == text.npos ? 0 : at) +
                               ": number " + Quote(token) + " is beyond the range of a double");
  } catch (const json::exception& e) {
    throw BadInput(source, std::string("invalid JSON: ") + e.what());
  }
}

}  // namespace calflops
