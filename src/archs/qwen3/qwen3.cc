// model_type "qwen3": Qwen3ForCausalLM and Qwen3Model. Not in transformers v4.45: module names,
// classes and order mirror upstream transformers' modeling_qwen3.py (4.51+): one Qwen3Attention
// class for every attn_implementation, RMSNorm over head_dim on q and k (q_norm, k_norm), a
// model-level rotary_emb only, eager scores "* scaling".
#include "archs/arch_registry.h"
#include "archs/llama/decoder_arch.h"
#include "archs/llama/llama_gguf.h"
#include "archs/qwen3/qwen3_defaults.h"

namespace calflops {

LlamaParams Qwen3Defaults(const std::string& prefix) {
  LlamaParams d;
  d.prefix = prefix;
  d.vocab = 151936;
  d.intermediate = 22016;
  d.head_dim = 128;
  d.rotary = RotaryStyle::kModelOnly;
  d.attn_class_per_impl = false;
  d.qk_norm = QkNorm::kPerHead;
  d.scale_scores_by_mul = true;
  return d;
}

namespace qwen3 {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams p = LlamaParams::FromConfig(c, Qwen3Defaults("Qwen3"));
  p.mlp_bias = false;
  return MakeDecoder(p, cls, o, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"Qwen3ForCausalLM", "Qwen3Model"};

constexpr GgufMapping kGguf{.gguf_arch = "qwen3",
                            .model_type = "qwen3",
                            .hf_class = "Qwen3ForCausalLM",
                            .blocks = kLlamaBlockGguf};

}  // namespace
}  // namespace qwen3

const ArchEntry& Qwen3Arch() {
  static const ArchEntry e{"qwen3", "Qwen3 decoder (GQA, q/k RMSNorm); upstream layout",
                           qwen3::kClasses, qwen3::Make, &qwen3::kGguf};
  return e;
}

}  // namespace calflops
