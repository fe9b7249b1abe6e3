#include "model/error.h"
#include "model/printable.h"

#include <cstdio>

namespace calflops {

size_t Utf8Length(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = at(i);
  size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((at(i + k) & 0xC0) != 0x80) return 0;
  unsigned char c1 = at(i + 1);
  if (c == 0xE0 && c1 < 0xA0) return 0;  // overlong
  if (c == 0xED && c1 > 0x9F) return 0;  // surrogate
  if (c == 0xF0 && c1 < 0x90) return 0;  // overlong
  if (c == 0xF4 && c1 > 0x8F) return 0;  // above U+10FFFF
  return n;
}

namespace error {
namespace {

/// `keep_layout`: newlines and tabs pass (a report's lines), everything else as below.
void AppendEscaped(std::string& out, std::string_view s, bool keep_layout = false) {
  for (size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    auto c = static_cast<unsigned char>(ch);
    if (keep_layout && (c == '\n' || c == '\t')) {
      out += ch;
      continue;
    }
    if (c >= 0x80) {
      size_t n = Utf8Length(s, i);
      if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
        // U+0080..U+009F: the C1 controls (CSI is U+009B), escaped like the C0 ones.
        char b[8];
        std::snprintf(b, sizeof b, "\\u%04x", static_cast<unsigned char>(s[i + 1]));
        out += b;
        ++i;
        continue;
      }
      if (n) {
        out.append(s.substr(i, n));
        i += n - 1;
        continue;
      }
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c >= 0x7f) {  // control characters and bytes that are not UTF-8
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    } else {
      out += ch;
    }
  }
}

}  // namespace
}  // namespace error

bool IsPrintableText(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) continue;
    if (c == '\n' || c == '\t') continue;
    size_t n = c >= 0x80 ? Utf8Length(s, i) : 0;
    if (n == 0 || (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0))
      return false;
    i += n - 1;
  }
  return true;
}

std::string PrintableText(std::string_view s) {
  if (IsPrintableText(s)) return std::string(s);
  std::string out;
  out.reserve(s.size());
  error::AppendEscaped(out, s, true);
  return out;
}

std::string OneLine(std::string_view s, size_t max_bytes) {
  std::string out;
  if (s.size() <= max_bytes) {
    error::AppendEscaped(out, s);
    return out;
  }
  size_t half = max_bytes / 2;
  error::AppendEscaped(out, s.substr(0, half));
  out += " ... ";
  error::AppendEscaped(out, s.substr(s.size() - half));
  return out;
}

std::string Quote(std::string_view s, size_t max_bytes) {
  std::string out = "'";
  error::AppendEscaped(out, s.substr(0, max_bytes));
  if (s.size() > max_bytes) out += "...";
  return out + "'";
}

std::string Error::Compose(const std::string& where, const std::string& what) {
  return where.empty() ? OneLine(what) : OneLine(where) + ": " + OneLine(what);
}

}  // namespace calflops
