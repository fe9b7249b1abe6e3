// model_type "olmo2": Olmo2ForCausalLM and Olmo2Model. Not in transformers v4.45 (added in 4.47):
// module names, classes and order mirror upstream transformers' modeling_olmo2.py (main, read
// 2026: one Olmo2Attention class for every attn_implementation, a model-level rotary_emb only,
// eager scores "* scaling"). Llama with the norms after the sublayers (post_attention_layernorm
// on the attention output, post_feedforward_layernorm on the MLP output, no input_layernorm) and
// an RMSNorm over the whole q and k projections (q_norm, k_norm) before the heads are split.
#include <nlohmann/json.hpp>

#include "archs/arch_registry.h"
#include "archs/llama/decoder_arch.h"
#include "archs/llama/llama_gguf.h"
#include "archs/olmo2/olmo2_params.h"

namespace calflops {
namespace olmo2 {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams p = Olmo2StyleParams(c, Olmo2StyleDefaults("Olmo2"));  // Olmo2Config defaults
  return MakeDecoder(p, cls, o, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"Olmo2ForCausalLM", "Olmo2Model"};

// llama.cpp's "olmo2" tensors: Llama's, with post-norms instead of pre-norms.
constexpr GgufRename kPostNorms[] = {
    {"post_attention_norm", "post_attention_layernorm"},
    {"post_ffw_norm", "post_feedforward_layernorm"},
};
constexpr std::span<const GgufRename> kBlockGguf[] = {kLlamaAttentionGguf, kLlamaMlpGguf,
                                                      kPostNorms};

constexpr GgufMapping kGguf{.gguf_arch = "olmo2",
                            .model_type = "olmo2",
                            .hf_class = "Olmo2ForCausalLM",
                            .blocks = kBlockGguf};

}  // namespace
}  // namespace olmo2

const ArchEntry& Olmo2Arch() {
  static const ArchEntry e{"olmo2", "OLMo 2 decoder (post-norms, q/k RMSNorm); upstream layout",
                           olmo2::kClasses, olmo2::Make, &olmo2::kGguf};
  return e;
}

}  // namespace calflops
