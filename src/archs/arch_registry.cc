#include "archs/arch_registry.h"

#include <vector>

#include "model/error.h"

namespace calflops {
namespace {

using EntryFn = const ArchEntry& (*)();
// The one explicit list of architectures.
constexpr EntryFn kArchs[] = {
    LlamaArch,
    MistralArch,
    MixtralArch,
    Qwen2Arch,
    Qwen2MoeArch,
    Qwen3Arch,
    Qwen3MoeArch,
    GemmaArch,
    Gemma2Arch,
    Phi3Arch,
    DeepseekV3Arch,
    BertArch,
    RobertaArch,
    DistilBertArch,
    XlmRobertaArch,
    ViTArch,
    Gpt2Arch,
    GptNeoxArch,
    SiglipArch,
    SiglipVisionArch,
    ClipArch,
    ClipVisionArch,
    ClipTextArch,
    LlavaArch,
    LlavaNextArch,
    Gemma3TextArch,
    Gemma3Arch,
    GptOssArch,
};

const std::vector<ArchEntry>& Entries() {
  static const std::vector<ArchEntry> entries = [] {
    std::vector<ArchEntry> v;
    for (EntryFn f : kArchs) v.push_back(f());
    return v;
  }();
  return entries;
}

}  // namespace

const ArchEntry* FindArch(std::string_view model_type) {
  for (const auto& e : Entries())
    if (e.model_type == model_type) return &e;
  return nullptr;
}

DType ConfigDType(const Config& config) {
  std::string s = config.String("torch_dtype", "float32");
  auto d = ParseDType(s);
  if (!d) throw BadInput(config.Where("torch_dtype"), "unknown dtype " + Quote(s));
  return *d;
}

std::unique_ptr<Architecture> BuildArchitecture(const Config& config, const BuildOptions& options) {
  if (!config.Has("model_type")) {
    throw BadInput(config.Where("model_type"), "is missing: cannot tell the architecture");
  }
  std::string type = config.String("model_type", "");
  const ArchEntry* entry = FindArch(type);
  if (!entry) {
    std::string known;
    for (const auto& e : Entries()) known += std::string(known.empty() ? "" : ", ") + std::string(e.model_type);
    throw Unsupported(config.Where("model_type"),
                      "unsupported model_type " + Quote(type) + " (supported: " + known + ")");
  }
  std::string cls = options.model_class;
  if (cls.empty()) {
    auto archs = config.Strings("architectures");
    cls = archs.empty() ? std::string(entry->classes[0]) : archs[0];
  }
  bool known_class = false;
  std::string classes;
  for (auto c : entry->classes) {
    known_class |= c == cls;
    classes += std::string(classes.empty() ? "" : ", ") + std::string(c);
  }
  if (!known_class) {
    std::string where = options.model_class.empty() ? config.Where("architectures") : "--model-class";
    throw Unsupported(where, "model class " + Quote(cls) + " is not available for model_type " +
                                 Quote(type) + " (available: " + classes + ")");
  }
  try {
    return entry->make(config, cls, options);
  } catch (const Error& e) {
    // Builders' own limits (module count, tensor size) carry no place: it is this config.
    if (!e.where().empty()) throw;
    throw Error(e.code(), config.source(), e.what());
  }
}

}  // namespace calflops
