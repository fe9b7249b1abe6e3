// Hyper-parameters of the Llama family and of the decoders that copy it (Mistral, Qwen2/3, Gemma,
// Phi3, Mixtral, ...), read from a config.json. The options below say how a family departs from
// Llama; each architecture file sets them, so one block implementation serves every family.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "readers/hf_config/config.h"

namespace calflops {

/// Where the rotary cos/sin tables come from.
enum class RotaryStyle {
  kModel,         ///< Llama 4.45: the model computes them (with attention_scaling); every
                  ///< attention also registers an unused rotary_emb
  kModelOnly,     ///< newer transformers (Qwen3, DeepSeek-V3): model-level only
  kPerAttention,  ///< Mistral / Gemma / Phi3 4.45: each attention computes its own, no scaling
  kCached,        ///< Mixtral 4.45: tables cached at __init__, the forward only slices them
};

enum class NormStyle {
  kLlama,              ///< weight * (x * rsqrt(mean(x^2) + eps))
  kGemma,              ///< (x * rsqrt(mean(x^2) + eps)) * (1 + weight)
  kLayerNormNoParams,  ///< OLMo: F.layer_norm(x, None, None): no weight, no bias
  kLayerNorm,          ///< nn.LayerNorm: weight and bias (StarCoder2)
  kCohere,             ///< CohereLayerNorm: weight * ((x - mean) * rsqrt(var + eps)), no bias
};

/// Where a decoder layer normalises (the layer's registration order follows it).
enum class NormPlacement {
  kPre,       ///< Llama: x + attn(input_layernorm(x)), then x + mlp(post_attention_layernorm(x))
  kSandwich,  ///< Gemma2: pre- and post-norms around attention and MLP (four norms)
  kPost,  ///< OLMo2: x + post_attention_layernorm(attn(x)), x + post_feedforward_layernorm(mlp(x))
  kParallel,  ///< Cohere: one input_layernorm, x + attn(n) + mlp(n)
};

/// Normalisation of the query and key projections before RoPE.
enum class QkNorm {
  kNone,
  kPerHead,  ///< Qwen3: RMSNorm over head_dim on each head (q_norm, k_norm)
  kFull,     ///< OLMo2: RMSNorm over the whole projection (heads x head_dim) before the view
};

struct LlamaParams {
  std::string prefix = "Llama";  ///< class-name prefix: LlamaAttention, MistralAttention, ...
  int64_t hidden = 4096;
  int64_t intermediate = 11008;
  int64_t n_layers = 32;
  int64_t n_heads = 32;
  int64_t n_kv_heads = 0;  ///< as a default: 0 = num_attention_heads (LlamaConfig)
  int64_t head_dim = 0;    ///< as a default: 0 = hidden / heads when the config has no head_dim
  int64_t vocab = 32000;
  std::optional<int64_t> pad_token_id;
  double rms_eps = 1e-6;
  bool tie_word_embeddings = false;
  bool qkv_bias = false;  ///< q/k/v projections (Llama: attention_bias; Qwen2: always)
  bool o_bias = false;    ///< output projection (Llama: attention_bias; Qwen2: never)
  bool mlp_bias = false;
  std::string hidden_act = "silu";
  std::string act_where;   ///< config location of the activation key, for errors
  std::string rotary_cls;  ///< rotary_emb class; "" = <prefix>RotaryEmbedding
  std::string norm_cls;    ///< norm class; "" = <prefix>RMSNorm

  // How the family departs from Llama (defaults = Llama 4.45).
  RotaryStyle rotary = RotaryStyle::kModel;
  NormStyle norm = NormStyle::kLlama;
  bool attn_class_per_impl = true;  ///< LlamaSdpaAttention / ...; false: one class (newer code)
  QkNorm qk_norm = QkNorm::kNone;
  bool fused_qkv = false;            ///< Phi3: one qkv_proj
  bool fused_gate_up = false;        ///< Phi3: one gate_up_proj
  bool scale_scores_by_mul = false;  ///< eager "* scaling" (Gemma, newer code), not "/ sqrt(d)"
  bool scale_embeddings = false;     ///< Gemma: embeddings * sqrt(hidden)
  NormPlacement placement = NormPlacement::kPre;
  std::optional<double> clip_qkv;       ///< OLMo: q, k, v clamp_(-clip, clip) after projection
  std::optional<double> attn_softcap;   ///< Gemma2 eager: cap * tanh(scores / cap)
  std::optional<double> final_softcap;  ///< Gemma2: cap * tanh(logits / cap)
  // muP-style multipliers (Granite), each one scalar op per element where it applies.
  std::optional<double> embedding_multiplier;  ///< inputs_embeds * m
  std::optional<double> residual_multiplier;   ///< residual + sublayer_output * m
  std::optional<double> logits_divisor;        ///< logits / d
  std::optional<double> logits_multiplier;     ///< logits * m (Cohere's logit_scale)
  bool full_logits = false;  ///< forward has no num_logits_to_keep: the head sees every position
  /// SDPA gets an explicit mask tensor (not is_causal) once the context reaches this many
  /// tokens: Mistral's sliding window; 0 for Gemma2 (always a 4-D mask).
  std::optional<int64_t> sdpa_mask_from;
  std::string model_cls;  ///< the bare decoder's class; "" = <prefix>Model (Gemma3TextModel)
  /// Gemma3: embed_tokens is this class and applies the sqrt(hidden) scale in its own forward
  /// (Gemma3TextScaledWordEmbedding); "" = a plain Embedding (scaled by the model, if at all).
  std::string embed_cls;
  bool local_rotary = false;        ///< Gemma3: a second model-level table set, rotary_emb_local
  bool rotary_half_tables = false;  ///< GPT-OSS: emb = freqs (no cat): tables head_dim / 2 wide
  /// Cache lengths at which some layer's cost changes slope (a sliding-window cache that stops
  /// growing): Architecture::CostBreakpoints.
  std::vector<int64_t> cost_breakpoints;
  /// BuildOptions::routed_tokens: set, routed experts whose token load is equal in every call
  /// are built as one module (Module::repeat); unset, one module per expert.
  std::optional<std::vector<int64_t>> routed_tokens;

  int64_t q_dim() const { return n_heads * head_dim; }
  int64_t kv_dim() const { return n_kv_heads * head_dim; }

  /// Reads LlamaConfig keys; throws a located error for a missing, mistyped or absurd value.
  static LlamaParams FromConfig(const Config& c, std::string prefix = "Llama");
  /// Same, with a family's own defaults (and options) for the keys a config leaves out.
  static LlamaParams FromConfig(const Config& c, const LlamaParams& defaults);
};

}  // namespace calflops
