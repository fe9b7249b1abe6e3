#include "report/json_writer.h"

#include <cmath>
#include <cstdio>

#include "model/printable.h"

namespace calflops {

std::string JsonWriter::Escape(std::string_view s) {
  std::string o;
  o.reserve(s.size() + 2);
  o += '"';
  size_t run = 0;  // start of the run of characters copied as they are
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') continue;
    size_t n = c >= 0x80 ? Utf8Length(s, i) : 0;
    bool c1 = n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
    if (n && !c1) {  // well-formed UTF-8 that is not a C1 control: as it is
      i += n - 1;
      continue;
    }
    o.append(s, run, i - run);
    run = i + (c1 ? 2 : 1);
    if (c1) c = static_cast<unsigned char>(s[i + 1]);
    if (c1) ++i;
    if (c >= 0x80 && !c1) {  // not UTF-8: JSON text cannot carry the byte
      o += "\\ufffd";
      continue;
    }
    switch (c) {
      case '"':
        o += "\\\"";
        break;
      case '\\':
        o += "\\\\";
        break;
      case '\n':
        o += "\\n";
        break;
      case '\t':
        o += "\\t";
        break;
      case '\r':
        o += "\\r";
        break;
      default: {
        char b[8];
        std::snprintf(b, sizeof b, "\\u%04x", c);
        o += b;
      }
    }
  }
  o.append(s, run, std::string_view::npos);
  return o += '"';
}

void JsonWriter::Newline() {
  if (indent_ <= 0) return;
  out_ << '\n' << std::string(first_.size() * static_cast<size_t>(indent_), ' ');
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ << ',';
    first_.back() = false;
    Newline();
  }
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_ << '{';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  bool empty = first_.back();
  first_.pop_back();
  if (!empty) Newline();
  out_ << '}';
  if (first_.empty()) out_ << '\n';
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_ << '[';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  bool empty = first_.back();
  first_.pop_back();
  if (!empty) Newline();
  out_ << ']';
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view k) {
  BeforeValue();
  out_ << Escape(k) << (indent_ > 0 ? ": " : ":");
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view s) {
  BeforeValue();
  out_ << Escape(s);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t v) {
  BeforeValue();
  out_ << v;
  return *this;
}

JsonWriter& JsonWriter::Number(Count v) {
  BeforeValue();
  out_ << v.ToString();
  return *this;
}

JsonWriter& JsonWriter::Double(double v) {
  BeforeValue();
  if (!std::isfinite(v)) {
    out_ << "null";
  } else {
    char b[32];
    std::snprintf(b, sizeof b, "%.17g", v);
    out_ << b;
  }
  return *this;
}

JsonWriter& JsonWriter::Bool(bool v) {
  BeforeValue();
  out_ << (v ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_ << "null";
  return *this;
}

}  // namespace calflops
