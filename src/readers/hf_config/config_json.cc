#include "readers/hf_config/config_json.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>
#include <vector>

#include "model/error.h"
#include "readers/hf_config/config.h"
#include "readers/hf_config/python_literals.h"
#include "readers/strict_json.h"

namespace calflops {
using nlohmann::json;

namespace config_json {
namespace {

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

/// A SAX handler that builds the document while enforcing the limits, so a hostile file fails
/// at the limit instead of after the parser has built it. (nlohmann's callback parser would do
/// the checks too, but is quadratic on large arrays of objects.) Keeps the path of the value
/// being parsed for error messages.
class LimitedDomBuilder : public nlohmann::json_sax<json> {
 public:
  LimitedDomBuilder(std::string_view text, const std::string& source, PythonLiterals& literals)
      : text_(text), source_(source), literals_(literals) {}

  json Take() { return std::move(root_); }

  bool null() override { return Value(nullptr); }
  bool boolean(bool v) override { return Value(v); }
  bool number_integer(number_integer_t v) override { return Value(v); }
  bool number_unsigned(number_unsigned_t v) override { return Value(v); }
  bool number_float(number_float_t v, const string_t& raw) override {
    return Value(literals_.Value(raw, v));
  }
  bool string(string_t& v) override {
    CheckString(v, "a string");
    return Value(std::move(v));
  }
  bool binary(binary_t&) override { Fail("binary value"); }

  bool start_object(std::size_t) override { return Open(json::object()); }
  bool start_array(std::size_t) override { return Open(json::array()); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }

  bool key(string_t& k) override {
    Frame& f = frames_.back();
    f.key = k;
    if (++f.count > kMaxJsonContainerElements) TooManyElements();
    CheckString(k, "a key");
    if (f.container->contains(k)) {
      Fail(
          // Not "transformers would...": the hardware reader parses its profiles with this too.
          "appears twice in one object (Python's json, so transformers, would silently keep the "
          "last value; remove one)");
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& e) override {
    size_t stop = position > 0 ? position - 1 : 0;
    std::string what = e.what();
    if (e.id == 406) {
      // "number overflow parsing '1e999'": a float beyond the range of a double.
      auto q1 = what.find('\''), q2 = what.rfind('\'');
      std::string token =
          q1 != std::string::npos && q2 > q1 ? what.substr(q1 + 1, q2 - q1 - 1) : "";
      size_t at = stop >= token.size() ? stop + 1 - token.size() : 0;
      throw BadInput(source_, "invalid JSON at " + LineColumn(text_, at) + ": number " +
                                  Quote(token) + " is beyond the range of a double");
    }
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
    auto colon = what.find(": ", what.find("parse error"));
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    throw BadInput(source_, "invalid JSON at " + LineColumn(text_, stop) + ": " + detail);
  }

 private:
  struct Frame {
    json* container = nullptr;
    int64_t count = 0;  ///< members or elements so far
    std::string key;    ///< object: the current key
  };

  /// Counts a new value and the element it adds to the enclosing array.
  void BeginElement() {
    if (!frames_.empty() && !frames_.back().container->is_object()) {
      if (++frames_.back().count > kMaxJsonContainerElements) TooManyElements();
    }
    if (++values_ > kMaxJsonValues) {
      Fail("more than " + std::to_string(kMaxJsonValues) + " JSON values in the file (limit)");
    }
  }

  /// Places a value in the enclosing container (or as the root); returns where it now lives.
  json* Place(json&& v) {
    if (frames_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Frame& f = frames_.back();
    if (f.container->is_object()) return &((*f.container)[f.key] = std::move(v));
    f.container->push_back(std::move(v));
    return &f.container->back();  // stable while this child is open: the parent does not grow
  }

  bool Value(json&& v) {
    BeginElement();
    Place(std::move(v));
    return true;
  }

  bool Open(json&& empty) {
    BeginElement();
    if (frames_.size() >= static_cast<size_t>(kMaxJsonDepth)) {
      Fail("nesting deeper than the limit of " + std::to_string(kMaxJsonDepth) + " levels");
    }
    json* c = Place(std::move(empty));
    frames_.push_back(Frame{.container = c, .count = 0, .key = {}});
    return true;
  }

  bool Close() {
    frames_.pop_back();
    return true;
  }

  void CheckString(const std::string& s, const char* what) {
    if (s.size() > kMaxJsonStringBytes) {
      Fail(std::string(what) + " of " + std::to_string(s.size()) + " bytes, above the limit of " +
           std::to_string(kMaxJsonStringBytes));
    }
  }

  [[noreturn]] void TooManyElements() {
    Fail("more than " + std::to_string(kMaxJsonContainerElements) + " elements in one " +
         (frames_.back().container->is_object() ? "object" : "array") + " (limit)");
  }

  /// "a.b[3].c" for the value being parsed ("" at the top level).
  std::string Path() const {
    std::string p;
    for (const Frame& f : frames_) {
      if (f.container->is_object()) {
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

  std::string_view text_;
  const std::string& source_;
  PythonLiterals& literals_;
  json root_;
  std::vector<Frame> frames_;
  int64_t values_ = 0;
};

/// Looks for one key among the top-level members; keeps nothing.
class TopLevelKeyFinder : public nlohmann::json_sax<json> {
 public:
  explicit TopLevelKeyFinder(std::string_view key) : key_(key) {}
  bool found() const { return found_; }

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return ++depth_ <= kMaxJsonDepth; }
  bool start_array(std::size_t) override { return depth_ > 0 && ++depth_ <= kMaxJsonDepth; }
  bool end_object() override { return --depth_ >= 0; }
  bool end_array() override { return --depth_ >= 0; }
  bool key(string_t& k) override {
    found_ = depth_ == 1 && k == key_;
    return !found_;  // stop at the key
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  std::string_view key_;
  int depth_ = 0;
  bool found_ = false;
};

}  // namespace
}  // namespace config_json

bool JsonHasTopLevelKey(std::string_view text, std::string_view key) {
  config_json::TopLevelKeyFinder finder(key);
  json::sax_parse(text.begin(), text.end(), &finder, json::input_format_t::json, false);
  return finder.found();
}

const char* ConfigJsonTypeName(const json& j) {
  // A config's integers are one type to its reader, whatever their sign.
  return j.is_number_integer() ? "an integer" : JsonTypeName(j);
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
  // nlohmann's lexer takes a NUL byte for the end of the input, so "{...}\0garbage" would parse;
  // JSON text never holds one raw (inside a string it must be escaped).
  if (auto nul = text.find('\0'); nul != std::string_view::npos) {
    size_t line = 1 + static_cast<size_t>(std::count(
                          text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n'));
    size_t line_start = text.rfind('\n', nul == 0 ? 0 : nul - 1);
    size_t column = line_start == std::string_view::npos || nul == 0 ? nul + 1 : nul - line_start;
    throw BadInput(source, "invalid JSON at line " + std::to_string(line) + ", column " +
                               std::to_string(column) +
                               ": a NUL byte, which JSON text never holds");
  }
  // NaN, Infinity and -Infinity, as Python's json writes them, become same-length numbers.
  PythonLiterals literals(text);
  std::string_view parsed = literals.rewritten();
  config_json::LimitedDomBuilder builder(parsed, source, literals);
  // Errors are thrown by the handler; strict: nothing may follow the value.
  json::sax_parse(parsed.begin(), parsed.end(), &builder, json::input_format_t::json, true);
  return builder.Take();
}

}  // namespace calflops
