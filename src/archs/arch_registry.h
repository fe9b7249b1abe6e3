// The registry of architectures: one ArchEntry per config `model_type`, listed explicitly in
// arch_registry.cc. A new architecture = one file defining its entry + one line in that list.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "archs/architecture.h"
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
};

const ArchEntry* FindArch(std::string_view model_type);

/// The entry whose classes include `cls` ("GPT2LMHeadModel" -> gpt2), or null.
const ArchEntry* FindArchByClass(std::string_view cls);

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

// Entries, one per architecture file.
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

}  // namespace calflops
