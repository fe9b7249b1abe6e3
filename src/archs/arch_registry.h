// The registry of architectures: one ArchEntry per config `model_type`, listed explicitly in
// arch_registry.cc. A new architecture = one file defining its entry + its line in that list
// (declared there too, so that adding a family recompiles only the registry and the family).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/architecture.h"
#include "readers/gguf/gguf_mapping.h"
#include "readers/hf_config/config.h"

namespace calflops {

using ArchFactory = std::unique_ptr<Architecture> (*)(const Config& config,
                                                      const std::string& model_class,
                                                      const BuildOptions& options);

struct ArchEntry {
  std::string_view model_type;               ///< config.json "model_type"
  std::string_view family;                   ///< one-line description for --list-models
  std::span<const std::string_view> classes; ///< transformers classes it builds
  ArchFactory make;
  const GgufMapping* gguf = nullptr;  ///< how a .gguf of this family maps to it, if it can
};

/// Every registered entry, in list order (the registry walk in tests/families_test.cc).
std::span<const ArchEntry> AllArchs();
const ArchEntry* FindArch(std::string_view model_type);

/// The entry whose classes include `cls` ("GPT2LMHeadModel" -> gpt2), or null.
const ArchEntry* FindArchByClass(std::string_view cls);

/// The GGUF mappings of every registered family, in registry order.
std::span<const GgufMapping> GgufMappings();

/// `o` with the registered families' GGUF mappings, so a .gguf file gets a config.
inline ReadOptions WithGgufMappings(ReadOptions o = {}) {
  o.gguf_mappings = GgufMappings();
  return o;
}

/// Builds the architecture a config describes: model_type picks the entry, options.model_class
/// (default: architectures[0], else the entry's first class) picks the class. A config without
/// model_type (early GPT-2 checkpoints), or with one we do not know whose architectures[0] is a
/// class we build (Kimi-K2's "kimi_k2" is DeepseekV3ForCausalLM), is built as that class's
/// model_type, and a one-line note saying so is appended to `notes` when given.
std::unique_ptr<Architecture> BuildArchitecture(const Config& config, const BuildOptions& options,
                                                std::vector<std::string>* notes = nullptr);

/// The parameter dtype a config declares: "dtype" (transformers >= 4.56 writes it), else
/// "torch_dtype" (earlier versions), float32 when neither is set.
DType ConfigDType(const Config& config);

/// The key ConfigDType reads from: "dtype" when set, else "torch_dtype".
std::string_view ConfigDTypeKey(const Config& config);

}  // namespace calflops
