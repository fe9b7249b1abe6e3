// model_type "gemma2": Gemma2ForCausalLM and Gemma2Model (transformers v4.45
// modeling_gemma2.py). Gemma plus: a norm after attention (post_attention_layernorm) and around
// the MLP (pre_ / post_feedforward_layernorm); attention soft-capping cap * tanh(scores / cap) in
// eager (SDPA ignores it in 4.45; flash-attn applies it inside the kernel, not counted); final
// logit soft-capping; sliding-window attention on even layers (counted densely, as the 4-D mask
// SDPA always receives implies).
#include <nlohmann/json.hpp>

#include "archs/arch_registry.h"
#include "archs/gemma/gemma_defaults.h"
#include "archs/llama/decoder_arch.h"
#include "readers/gguf/gguf_mapping.h"

namespace calflops {
namespace gemma2 {
namespace {

/// A soft-capping value: absent = the Gemma2Config default, null = off.
std::optional<double> Softcap(const Config& c, const char* key, double fallback) {
  if (!c.Has(key)) return fallback;
  if (!c.IsSet(key)) return std::nullopt;
  return c.Float(key, fallback);
}

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d = GemmaDefaults("Gemma2");  // Gemma2Config defaults
  d.hidden = 2304;
  d.intermediate = 9216;
  d.n_layers = 26;
  d.n_heads = 8;
  d.n_kv_heads = 4;
  d.placement = NormPlacement::kSandwich;
  d.sdpa_mask_from = 0;  // Gemma2Model always builds a 4-D mask
  LlamaParams p = GemmaParams(c, d);
  p.attn_softcap = Softcap(c, "attn_logit_softcapping", 50.0);
  p.final_softcap = Softcap(c, "final_logit_softcapping", 30.0);
  return MakeDecoder(p, cls, o, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"Gemma2ForCausalLM", "Gemma2Model"};

constexpr GgufRename kBlockNames[] = {
    {"attn_norm", "input_layernorm"},
    {"attn_q", "self_attn.q_proj"},
    {"attn_k", "self_attn.k_proj"},
    {"attn_v", "self_attn.v_proj"},
    {"attn_output", "self_attn.o_proj"},
    {"post_attention_norm", "post_attention_layernorm"},
    {"ffn_norm", "pre_feedforward_layernorm"},
    {"post_ffw_norm", "post_feedforward_layernorm"},
    {"ffn_gate", "mlp.gate_proj"},
    {"ffn_up", "mlp.up_proj"},
    {"ffn_down", "mlp.down_proj"},
};
constexpr std::span<const GgufRename> kBlockGguf[] = {kBlockNames};

/// The converters write no query_pre_attn_scalar; Gemma 2 checkpoints use head_dim.
void ScalarKey(const GgufKeys& k, nlohmann::ordered_json& c) {
  if (auto kl = k.Int("attention.key_length", 1, kMaxConfigDim)) c["query_pre_attn_scalar"] = *kl;
}

constexpr GgufMapping kGguf{.gguf_arch = "gemma2",
                            .model_type = "gemma2",
                            .hf_class = "Gemma2ForCausalLM",
                            .blocks = kBlockGguf,
                            .hidden_act_key = "hidden_activation",
                            .hidden_act = "gelu_pytorch_tanh",
                            .extra_keys = ScalarKey};

}  // namespace
}  // namespace gemma2

const ArchEntry& Gemma2Arch() {
  static const ArchEntry e{"gemma2", "Gemma 2 decoder (sandwich norms, soft-capping, local/global)",
                           gemma2::kClasses, gemma2::Make, &gemma2::kGguf};
  return e;
}

}  // namespace calflops
