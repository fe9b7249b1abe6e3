// ParseOptionString: a few report options written as on the command line, applied over a set
// of options (`calflops compare --vs "--convention calflops"`).
#include <string>
#include <vector>

#include "calflops/option_table.h"
#include "model/error.h"

namespace calflops {
namespace option_string {
namespace {

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

const OptionSpec* FindShort(char c) {
  for (const OptionSpec& s : OptionTable())
    if (s.short_name == c) return &s;
  return nullptr;
}

}  // namespace
}  // namespace option_string

void ParseOptionString(Options& o, std::string_view text, std::string_view where) {
  const std::string place(where);
  auto fail = [&](const std::string& what) {
    throw Error(ExitCode::kUsage, place, "'" + std::string(text) + "': " + what);
  };
  std::vector<std::string> words = option_string::Words(text);
  if (words.empty()) fail("no option given");
  for (size_t i = 0; i < words.size(); ++i) {
    std::string word = words[i], value;
    bool inline_value = false;
    const OptionSpec* spec = nullptr;
    if (word.rfind("--", 0) == 0 && word.size() > 2) {
      size_t eq = word.find('=');
      if (eq != std::string::npos) {
        value = word.substr(eq + 1);
        word = word.substr(0, eq);
        inline_value = true;
      }
      spec = FindOption(std::string_view(word).substr(2));
    } else if (word.size() == 2 && word[0] == '-') {
      spec = option_string::FindShort(word[1]);
    } else {
      fail("expected an option, found '" + word + "'");
    }
    if (!spec) fail("unknown option '" + word + "'");
    if (spec->value_name.empty()) {
      if (inline_value) fail(word + " takes no value");
    } else if (!inline_value) {
      if (i + 1 >= words.size())
        fail(word + " needs a value (" + std::string(spec->value_name) + ")");
      value = words[++i];
    }
    ParseOption(o, spec->name, value);
  }
}

}  // namespace calflops
