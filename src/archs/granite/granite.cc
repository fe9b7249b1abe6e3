// model_type "granite": GraniteForCausalLM and GraniteModel (transformers v4.45
// modeling_granite.py; IBM Granite 3.x). Llama with muP-style multipliers, each a Python float:
// inputs_embeds * embedding_multiplier, residual + sublayer * residual_multiplier, scores scaled
// by attention_multiplier (eager "* scaling"), logits / logits_scaling; a model-level rotary_emb
// only; head_dim = hidden / heads. The v4.45 forward has no num_logits_to_keep: the head (and the
// division) runs over every prompt position.
#include <nlohmann/json.hpp>

#include "archs/arch_registry.h"
#include "archs/config_checks.h"
#include "archs/llama/decoder_arch.h"
#include "archs/llama/llama_gguf.h"
#include "model/error.h"

namespace calflops {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d;  // GraniteConfig defaults
  d.prefix = "Granite";
  d.rotary = RotaryStyle::kModelOnly;
  d.scale_scores_by_mul = true;
  d.full_logits = true;
  LlamaParams p = LlamaParams::FromConfig(c, d);
  RequireDivides(c, "num_attention_heads", p.n_heads, "hidden_size", p.hidden);
  p.head_dim = p.hidden / p.n_heads;  // GraniteAttention ignores a head_dim key
  p.embedding_multiplier = c.Float("embedding_multiplier", 1.0);
  p.residual_multiplier = c.Float("residual_multiplier", 1.0);
  p.logits_divisor = c.Float("logits_scaling", 1.0);
  return MakeDecoder(p, cls, o, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"GraniteForCausalLM", "GraniteModel"};

/// llama.cpp's granite keys for the four multipliers.
void MultiplierKeys(const GgufKeys& k, nlohmann::ordered_json& c) {
  if (auto v = k.Float("embedding_scale")) c["embedding_multiplier"] = *v;
  if (auto v = k.Float("residual_scale")) c["residual_multiplier"] = *v;
  if (auto v = k.Float("attention.scale")) c["attention_multiplier"] = *v;
  if (auto v = k.Float("logit_scale")) c["logits_scaling"] = *v;
  LlamaMlpBiasGgufKey(k, c);
}

constexpr GgufMapping kGguf{.gguf_arch = "granite",
                            .model_type = "granite",
                            .hf_class = "GraniteForCausalLM",
                            .blocks = kLlamaBlockGguf,
                            .extra_keys = MultiplierKeys};

}  // namespace

const ArchEntry& GraniteArch() {
  static const ArchEntry e{"granite", "Granite 3.x decoder (Llama with muP multipliers)", kClasses,
                           Make, &kGguf};
  return e;
}

}  // namespace calflops
