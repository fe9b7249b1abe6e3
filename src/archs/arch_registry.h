// The registry of architectures: one ArchEntry per config `model_type`, listed explicitly in
// arch_registry.cc. A new architecture = one file defining its entry + one line in that list.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "model/architecture.h"
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

/// Builds the architecture a config describes: model_type picks the entry, options.model_class
/// (default: architectures[0], else the entry's first class) picks the class.
std::unique_ptr<Architecture> BuildArchitecture(const Config& config, const BuildOptions& options);

/// The parameter dtype a config declares (torch_dtype), float32 when absent.
DType ConfigDType(const Config& config);

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
