// model_type "llama": LlamaForCausalLM and LlamaModel (transformers v4.45 modeling_llama.py).
#include <nlohmann/json.hpp>

#include "archs/arch_registry.h"
#include "archs/llama/decoder_arch.h"
#include "archs/llama/llama_gguf.h"

namespace calflops {

void LlamaMlpBiasGgufKey(const GgufKeys& k, nlohmann::ordered_json& c) {
  c["mlp_bias"] = k.HasTensor("blk.0.ffn_up.bias");
}

namespace llama {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  return MakeDecoder(LlamaParams::FromConfig(c), cls, o, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"LlamaForCausalLM", "LlamaModel"};

constexpr GgufMapping kGguf{.gguf_arch = "llama",
                            .model_type = "llama",
                            .hf_class = "LlamaForCausalLM",
                            .blocks = kLlamaBlockGguf,
                            .extra_keys = LlamaMlpBiasGgufKey};

}  // namespace
}  // namespace llama

const ArchEntry& LlamaArch() {
  static const ArchEntry e{"llama", "Llama 1/2/3 decoder (GQA, RoPE, SwiGLU)", llama::kClasses,
                           llama::Make, &llama::kGguf};
  return e;
}

}  // namespace calflops
