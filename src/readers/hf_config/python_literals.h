// Python's json writes the non-finite floats as the bare words NaN, Infinity and -Infinity, and
// reads them back; transformers therefore saves and loads configs holding them, though JSON has
// no such tokens. Before the JSON parser sees the text, each one (outside strings) is rewritten
// in place into a number literal of the same length (so error columns stay right), and the
// parser's handler maps those literals back in order through NextValue().
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace calflops {

class PythonLiterals {
 public:
  /// Scans `text`; rewritten() is the text to parse (== text when nothing was rewritten).
  explicit PythonLiterals(std::string_view text);

  std::string_view rewritten() const { return rewritten_.empty() ? original_ : rewritten_; }
  bool any() const { return !rewritten_.empty(); }

  /// Called with each float literal the parser reads (its raw spelling) and the value it parsed:
  /// the non-finite value when this literal stood for one, else `parsed`.
  double Value(std::string_view raw, double parsed);

 private:
  std::string_view original_;
  std::string rewritten_;
  /// One entry per literal spelled like a marker, in text order: the value it stands for, or
  /// nullopt when the file itself held that spelling.
  std::vector<std::optional<double>> markers_;
  size_t next_ = 0;
};

}  // namespace calflops
