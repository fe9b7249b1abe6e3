#include "readers/model_source.h"

#include <filesystem>

#include "model/error.h"
#include "readers/zoo/zoo.h"

namespace calflops {

Config LoadModelConfig(const std::string& model) {
  if (const ZooEntry* z = FindZoo(model)) {
    return Config::Parse(z->json, "zoo/" + std::string(z->name) + ".json");
  }
  std::error_code ec;
  bool looks_like_path = model.find('/') != std::string::npos ||
                         model.find('.') != std::string::npos || std::filesystem::exists(model, ec);
  if (looks_like_path) return Config::Load(model);
  std::string hint;
  for (const auto& n : ClosestZooNames(model)) hint += std::string(hint.empty() ? "" : ", ") + n;
  throw BadInput(model, "not a file, a directory or a bundled model name (closest: " + hint +
                            "; see --list-models)");
}

}  // namespace calflops
