#include "archs/arch_registry.h"

#include <vector>

#include <nlohmann/json.hpp>

#include "model/error.h"

namespace calflops {

// Entries, one per architecture file (defined there).
const ArchEntry& LlamaArch();
const ArchEntry& MistralArch();
const ArchEntry& MixtralArch();
const ArchEntry& Qwen2Arch();
const ArchEntry& Qwen2MoeArch();
const ArchEntry& Qwen3Arch();
const ArchEntry& Qwen3MoeArch();
const ArchEntry& GemmaArch();
const ArchEntry& Gemma2Arch();
const ArchEntry& Gemma3TextArch();
const ArchEntry& Gemma3Arch();
const ArchEntry& GptOssArch();
const ArchEntry& Phi3Arch();
const ArchEntry& DeepseekV3Arch();
const ArchEntry& BertArch();
const ArchEntry& RobertaArch();
const ArchEntry& DistilBertArch();
const ArchEntry& XlmRobertaArch();
const ArchEntry& ViTArch();
const ArchEntry& Gpt2Arch();
const ArchEntry& GptNeoxArch();
const ArchEntry& SiglipArch();
const ArchEntry& SiglipVisionArch();
const ArchEntry& ClipArch();
const ArchEntry& ClipVisionArch();
const ArchEntry& ClipTextArch();
const ArchEntry& LlavaArch();
const ArchEntry& LlavaNextArch();
const ArchEntry& Olmo2Arch();
const ArchEntry& OlmoArch();
const ArchEntry& GraniteArch();
const ArchEntry& Starcoder2Arch();
const ArchEntry& CohereArch();
const ArchEntry& FalconArch();
const ArchEntry& PhiArch();
const ArchEntry& DeepseekV2Arch();
const ArchEntry& ModernBertArch();
const ArchEntry& MambaArch();
const ArchEntry& Mamba2Arch();
const ArchEntry& JambaArch();
const ArchEntry& BartArch();
const ArchEntry& T5Arch();
const ArchEntry& GraniteMoeArch();
const ArchEntry& Cohere2Arch();
const ArchEntry& Olmo3Arch();
const ArchEntry& Qwen2VlArch();
const ArchEntry& WhisperArch();
const ArchEntry& Qwen25VlArch();
const ArchEntry& DebertaV2Arch();
const ArchEntry& MllamaArch();

namespace arch_registry {
namespace {

using EntryFn = const ArchEntry& (*)();
// The one explicit list of architectures.
constexpr EntryFn kArchs[] = {
    LlamaArch,        MistralArch,    MixtralArch,    Qwen2Arch,    Qwen2MoeArch,   Qwen3Arch,
    Qwen3MoeArch,     GemmaArch,      Gemma2Arch,     Phi3Arch,     DeepseekV3Arch, BertArch,
    RobertaArch,      DistilBertArch, XlmRobertaArch, MambaArch,    Mamba2Arch,     JambaArch,
    BartArch,         T5Arch,         ViTArch,        Gpt2Arch,     GptNeoxArch,    SiglipArch,
    SiglipVisionArch, ClipArch,       ClipVisionArch, ClipTextArch, LlavaArch,      LlavaNextArch,
    Gemma3TextArch,   Gemma3Arch,     GptOssArch,     Olmo2Arch,    OlmoArch,       GraniteArch,
    Starcoder2Arch,   CohereArch,     FalconArch,     PhiArch,      DeepseekV2Arch, ModernBertArch,
    GraniteMoeArch,   Cohere2Arch,    Qwen2VlArch,    WhisperArch,  Olmo3Arch,      Qwen25VlArch,
    DebertaV2Arch,    MllamaArch,
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
}  // namespace arch_registry

std::span<const ArchEntry> AllArchs() { return arch_registry::Entries(); }

std::span<const GgufMapping> GgufMappings() {
  static const std::vector<GgufMapping> mappings = [] {
    std::vector<GgufMapping> v;
    for (const auto& e : arch_registry::Entries())
      if (e.gguf) v.push_back(*e.gguf);
    return v;
  }();
  return mappings;
}

const ArchEntry* FindArch(std::string_view model_type) {
  for (const auto& e : arch_registry::Entries())
    if (e.model_type == model_type) return &e;
  return nullptr;
}

const ArchEntry* FindArchByClass(std::string_view cls) {
  for (const auto& e : arch_registry::Entries())
    for (auto c : e.classes)
      if (c == cls) return &e;
  return nullptr;
}

std::string_view ConfigDTypeKey(const Config& config) {
  return config.IsSet("dtype") ? "dtype" : "torch_dtype";
}

DType ConfigDType(const Config& config) {
  std::string_view key = ConfigDTypeKey(config);
  std::string s = config.String(key, "float32");
  auto d = ParseDType(s);
  if (!d) throw BadInput(config.Where(key), "unknown dtype " + Quote(s));
  return *d;
}

namespace arch_registry {
namespace {

std::string KnownTypes() {
  std::string known;
  for (const auto& e : Entries())
    known += std::string(known.empty() ? "" : ", ") + std::string(e.model_type);
  return known;
}

/// The entry for the config's model_type or, when that is missing or unknown, for the class
/// architectures[0] names; `config` then gets that entry's model_type and `note` says why.
const ArchEntry& ResolveEntry(Config& config, std::string& note) {
  std::vector<std::string> archs = config.Strings("architectures");
  const ArchEntry* by_class = archs.empty() ? nullptr : FindArchByClass(archs[0]);
  if (!config.IsSet("model_type")) {
    if (!by_class) {
      throw BadInput(config.Where("model_type"),
                     archs.empty() ? "is missing, and so is architectures: cannot tell the "
                                     "architecture"
                                   : "is missing, and architectures[0] " + Quote(archs[0]) +
                                         " is no class we build: cannot tell the architecture");
    }
    note = config.source() + ": no model_type; built as " + archs[0] + " (model_type " +
           std::string(by_class->model_type) + "), the config's architectures[0]";
    config = config.With("model_type", std::string(by_class->model_type));
    return *by_class;
  }
  std::string type = config.String("model_type", "");
  if (const ArchEntry* entry = FindArch(type)) return *entry;
  if (!by_class) {
    throw Unsupported(config.Where("model_type"), "unsupported model_type " + Quote(type) +
                                                      " (supported: " + KnownTypes() + ")");
  }
  note = config.source() + ": model_type " + Quote(type) + " is not one we build; built as " +
         archs[0] + " (model_type " + std::string(by_class->model_type) +
         "), the config's architectures[0]";
  config = config.With("model_type", std::string(by_class->model_type));
  return *by_class;
}

}  // namespace
}  // namespace arch_registry

std::unique_ptr<Architecture> BuildArchitecture(const Config& original, const BuildOptions& options,
                                                std::vector<std::string>* notes) {
  Config config = original;
  std::string note;
  const ArchEntry* entry = &arch_registry::ResolveEntry(config, note);
  if (!note.empty() && notes) notes->push_back(note);
  std::string type(entry->model_type);
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
    std::string where =
        options.model_class.empty() ? config.Where("architectures") : "--model-class";
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
