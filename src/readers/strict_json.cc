#include "readers/strict_json.h"

#include <functional>
#include <optional>
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
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    case json::value_t::number_float:
      return "a float";
    case json::value_t::number_integer:
      return "a negative integer";
    case json::value_t::number_unsigned:
      return "an integer";
    default:
      return "an unknown value";
  }
}

namespace strict_json {
namespace {

/// nlohmann's DOM builder behind a SAX filter that rejects a key repeated within one object.
/// (The parse-callback interface would do it too, but it rescans the parent container at every
/// closing brace: quadratic on a 20,000-tensor header.)
class StrictSax {
 public:
  StrictSax(json& result, std::string_view text, const std::string& source, uint64_t base_offset)
      : dom_(result, /*allow_exceptions=*/true), text_(text), source_(source), base_(base_offset) {}

  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const std::string& s) {
    return dom_.number_float(v, s);
  }
  bool string(std::string& v) { return dom_.string(v); }
  bool binary(json::binary_t& v) { return dom_.binary(v); }
  bool start_object(std::size_t n) {
    open_.emplace_back();
    return dom_.start_object(n);
  }
  bool key(std::string& k) {
    if (!open_.back().insert(k).second) {
      uint64_t first = KeyOffset(text_, k, 0);
      uint64_t second = KeyOffset(text_, k, base_, static_cast<size_t>(first) + 1);
      throw BadInput(source_ + ": key " + QuoteName(k) + " at offset " + std::to_string(second),
                     "duplicate key");
    }
    return dom_.key(k);
  }
  bool end_object() {
    open_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t n) { return dom_.start_array(n); }
  bool end_array() { return dom_.end_array(); }
  template <class Exception>  // the concrete type (parse_error, out_of_range) must survive
  bool parse_error(std::size_t pos, const std::string& token, const Exception& e) {
    return dom_.parse_error(pos, token, e);
  }

 private:
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::vector<std::unordered_set<std::string>> open_;  ///< keys of each open object
  std::string_view text_;
  const std::string& source_;
  uint64_t base_;
};

}  // namespace
}  // namespace strict_json

namespace strict_json {
namespace {

void RefuseNul(std::string_view text, const std::string& source, uint64_t base_offset) {
  // nlohmann's lexer takes a NUL byte for the end of the input: bytes after one would be ignored.
  if (auto nul = text.find('\0'); nul != std::string_view::npos) {
    throw BadInput(source + ": offset " + std::to_string(base_offset + nul),
                   "invalid JSON: a NUL byte, which JSON text never holds");
  }
}

/// Runs `parse` and turns nlohmann's exceptions into located bad-input errors.
template <class Parse>
void Located(std::string_view text, const std::string& source, uint64_t base_offset, Parse parse) {
  RefuseNul(text, source, base_offset);
  try {
    parse();
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
    throw BadInput(source,
                   "invalid JSON: " + (end == std::string::npos ? what : what.substr(end + 2)));
  }
}

/// A top-level object member by member: each member's value is built (StrictSax, so nested
/// keys are checked) and handed over, then dropped. `top_object` ends false when the text is
/// not an object; members are then not reported.
class MemberSax {
 public:
  MemberSax(std::string_view text, const std::string& source, uint64_t base_offset,
            const std::function<void(std::string& key, json& value)>& member)
      : text_(text), source_(source), base_(base_offset), member_(member) {}

  bool top_object = false;

  bool null() {
    return Scalar([&](StrictSax& s) { return s.null(); });
  }
  bool boolean(bool v) {
    return Scalar([&](StrictSax& s) { return s.boolean(v); });
  }
  bool number_integer(json::number_integer_t v) {
    return Scalar([&](StrictSax& s) { return s.number_integer(v); });
  }
  bool number_unsigned(json::number_unsigned_t v) {
    return Scalar([&](StrictSax& s) { return s.number_unsigned(v); });
  }
  bool number_float(json::number_float_t v, const std::string& str) {
    return Scalar([&](StrictSax& s) { return s.number_float(v, str); });
  }
  bool string(std::string& v) {
    return Scalar([&](StrictSax& s) { return s.string(v); });
  }
  bool binary(json::binary_t& v) {
    return Scalar([&](StrictSax& s) { return s.binary(v); });
  }
  bool start_object(std::size_t n) {
    if (depth_++ == 0) {
      top_object = true;
      return true;
    }
    if (depth_ == 2) Begin();
    return sax_->start_object(n);
  }
  bool key(std::string& k) {
    if (depth_ == 1) {
      key_ = std::move(k);
      return true;
    }
    return sax_->key(k);
  }
  bool end_object() {
    if (--depth_ == 0) return true;
    bool ok = sax_->end_object();
    if (depth_ == 1) End();
    return ok;
  }
  bool start_array(std::size_t n) {
    if (depth_++ == 0) return false;  // not an object: the caller reports it
    if (depth_ == 2) Begin();
    return sax_->start_array(n);
  }
  bool end_array() {
    --depth_;
    bool ok = sax_->end_array();
    if (depth_ == 1) End();
    return ok;
  }
  template <class Exception>
  bool parse_error(std::size_t, const std::string&, const Exception& e) {
    throw e;
  }

 private:
  template <class F>
  bool Scalar(F f) {
    if (depth_ == 0) return false;  // a scalar document: not an object
    if (depth_ == 1) {
      Begin();
      bool ok = f(*sax_);
      End();
      return ok;
    }
    return f(*sax_);
  }
  void Begin() {
    value_ = json();
    sax_.emplace(value_, text_, source_, base_);
  }
  void End() {
    sax_.reset();
    member_(key_, value_);
  }

  std::string_view text_;
  const std::string& source_;
  uint64_t base_;
  const std::function<void(std::string&, json&)>& member_;
  int depth_ = 0;
  std::string key_;
  json value_;
  std::optional<StrictSax> sax_;
};

}  // namespace
}  // namespace strict_json

json ParseStrictJson(std::string_view text, const std::string& source, uint64_t base_offset) {
  json result;
  strict_json::Located(text, source, base_offset, [&] {
    strict_json::StrictSax sax(result, text, source, base_offset);
    json::sax_parse(text.begin(), text.end(), &sax);
  });
  return result;
}

bool ForEachStrictJsonMember(std::string_view text, const std::string& source, uint64_t base_offset,
                             const std::function<void(std::string& key, json& value)>& member) {
  bool top_object = false;
  strict_json::Located(text, source, base_offset, [&] {
    strict_json::MemberSax sax(text, source, base_offset, member);
    json::sax_parse(text.begin(), text.end(), &sax);
    top_object = sax.top_object;
  });
  return top_object;
}

}  // namespace calflops
