#include "model/error.h"

#include <cstdio>

namespace calflops {
namespace {

void AppendEscaped(std::string& out, std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    } else {
      out += ch;
    }
  }
}

}  // namespace

std::string OneLine(std::string_view s, size_t max_bytes) {
  std::string out;
  if (s.size() <= max_bytes) {
    AppendEscaped(out, s);
    return out;
  }
  size_t half = max_bytes / 2;
  AppendEscaped(out, s.substr(0, half));
  out += " ... ";
  AppendEscaped(out, s.substr(s.size() - half));
  return out;
}

std::string Quote(std::string_view s, size_t max_bytes) {
  std::string out = "'";
  AppendEscaped(out, s.substr(0, max_bytes));
  if (s.size() > max_bytes) out += "...";
  return out + "'";
}

std::string Error::Compose(const std::string& where, const std::string& what) {
  return where.empty() ? OneLine(what) : OneLine(where) + ": " + OneLine(what);
}

}  // namespace calflops
