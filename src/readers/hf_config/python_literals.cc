#include "readers/hf_config/python_literals.h"

#include <array>
#include <cctype>
#include <limits>

namespace calflops {
namespace python_literals {
namespace {

struct Literal {
  std::string_view word;    ///< as Python writes it
  std::string_view marker;  ///< a JSON float of the same length
  double value;
};

constexpr double kInf = std::numeric_limits<double>::infinity();
const std::array<Literal, 3> kLiterals = {{
    {"-Infinity", "-0E000000", -kInf},
    {"Infinity", "0E000000", kInf},
    {"NaN", "0E0", std::numeric_limits<double>::quiet_NaN()},
}};

bool IsMarker(std::string_view token) {
  for (const Literal& l : kLiterals)
    if (token == l.marker) return true;
  return false;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

bool IsNumberChar(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '+' || c == '.' ||
         c == 'e' || c == 'E';
}

}  // namespace
}  // namespace python_literals

PythonLiterals::PythonLiterals(std::string_view text) : original_(text) {
  bool in_string = false;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        i += 2;
        continue;
      }
      in_string = c != '"';
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = true;
      ++i;
      continue;
    }
    if (c != '-' && c != 'N' && c != 'I' && std::isdigit(static_cast<unsigned char>(c)) == 0) {
      ++i;
      continue;
    }
    bool rewrote = false;
    for (const python_literals::Literal& l : python_literals::kLiterals) {
      size_t end = i + l.word.size();
      if (text.substr(i, l.word.size()) != l.word ||
          (end < n && python_literals::IsWordChar(text[end])))
        continue;
      if (rewritten_.empty()) rewritten_.assign(text);
      rewritten_.replace(i, l.word.size(), l.marker);
      markers_.emplace_back(l.value);
      i = end;
      rewrote = true;
      break;
    }
    if (rewrote) continue;
    if (c == 'N' || c == 'I') {  // some other word: the parser reports it
      ++i;
      continue;
    }
    size_t end = i;
    while (end < n && python_literals::IsNumberChar(text[end])) ++end;
    if (python_literals::IsMarker(text.substr(i, end - i))) markers_.emplace_back(std::nullopt);
    i = end;
  }
}

double PythonLiterals::Value(std::string_view raw, double parsed) {
  if (markers_.empty() || !python_literals::IsMarker(raw) || next_ >= markers_.size())
    return parsed;
  const std::optional<double>& v = markers_[next_++];
  return v ? *v : parsed;
}

}  // namespace calflops
