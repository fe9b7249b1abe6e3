#include "readers/model_source.h"

#include <cctype>
#include <filesystem>
#include <fstream>

#include "model/error.h"
#include "readers/zoo/zoo.h"

namespace calflops {

// --- ONNX (graph files) -----------------------------------------------------------------------
bool onnx::IsOnnxModel(const std::string& model) {
  auto dot = model.rfind('.');
  if (dot != std::string::npos) {
    std::string ext = model.substr(dot);
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".onnx") return true;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(model, ec)) return false;
  std::ifstream f(model, std::ios::binary);
  char first = 0;
  return f.get(first) && first == 0x08;  // ModelProto field 1 (ir_version), varint
}
// ----------------------------------------------------------------------------------------------

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
