// model_type "olmo": OlmoForCausalLM and OlmoModel (transformers v4.45 modeling_olmo.py; OLMo 1
// and its 0424/0724 revisions). Llama with OlmoLayerNorm (F.layer_norm with neither weight nor
// bias) in place of RMSNorm, rotary tables computed in each attention (self_attn.rotary_emb, no
// attention_scaling), and, when clip_qkv is set, q, k and v clamped in place to
// [-clip_qkv, clip_qkv] after their projections.
#include <nlohmann/json.hpp>

#include "archs/arch_registry.h"
#include "archs/llama/decoder_arch.h"
#include "archs/llama/llama_gguf.h"

namespace calflops {
namespace olmo {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d;  // OlmoConfig defaults
  d.prefix = "Olmo";
  d.vocab = 50304;
  d.norm = NormStyle::kLayerNormNoParams;
  d.norm_cls = "OlmoLayerNorm";
  d.rotary = RotaryStyle::kPerAttention;
  LlamaParams p = LlamaParams::FromConfig(c, d);
  p.mlp_bias = false;  // OlmoMLP: bias=False
  if (c.IsSet("clip_qkv")) p.clip_qkv = c.Float("clip_qkv", 0.0);
  return MakeDecoder(p, cls, o, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"OlmoForCausalLM", "OlmoModel"};

/// llama.cpp writes clip_qkv as olmo.attention.clamp_kqv.
void ClampKey(const GgufKeys& k, nlohmann::ordered_json& c) {
  if (auto clip = k.Float("attention.clamp_kqv")) c["clip_qkv"] = *clip;
}

// llama.cpp's "olmo" blocks hold no norm tensors (the norms have no parameters).
constexpr GgufMapping kGguf{.gguf_arch = "olmo",
                            .model_type = "olmo",
                            .hf_class = "OlmoForCausalLM",
                            .blocks = kLlamaBlockGguf,
                            .extra_keys = ClampKey};

}  // namespace
}  // namespace olmo

const ArchEntry& OlmoArch() {
  static const ArchEntry e{"olmo", "OLMo decoder (non-parametric LayerNorm, optional q/k/v clamp)",
                           olmo::kClasses, olmo::Make, &olmo::kGguf};
  return e;
}

}  // namespace calflops
