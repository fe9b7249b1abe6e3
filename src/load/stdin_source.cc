// "-": a config.json on standard input (calflops - < config.json), at most kMaxConfigBytes.
#include <iostream>
#include <iterator>

#include "load/source.h"
#include "model/error.h"

namespace calflops {
namespace stdin_source {
namespace {

bool IsStdin(const std::string& model) { return model == "-"; }

LoadedModel LoadStdin(const std::string&, const LoadOptions& options) {
  std::string text;
  char buf[65536];
  while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
    text.append(buf, static_cast<size_t>(std::cin.gcount()));
    if (text.size() > kMaxConfigBytes) {
      throw BadInput("<stdin>", "more than " + std::to_string(kMaxConfigBytes) +
                                    " bytes: a config.json is smaller");
    }
  }
  ModelSource s;
  s.format = "config.json";
  s.config = Config::Parse(text, "<stdin>");
  return FromModelSource(std::move(s), options);
}

}  // namespace
}  // namespace stdin_source

const SourceKind& StdinSource() {
  static const SourceKind s{"stdin", stdin_source::IsStdin, stdin_source::LoadStdin};
  return s;
}

}  // namespace calflops
