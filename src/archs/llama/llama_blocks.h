// The Llama decoder as transformers v4.45 registers it: LlamaModel (embed_tokens, layers, norm,
// rotary_emb) and LlamaForCausalLM (model, lm_head), each buildable under any parent so that
// multimodal models can nest them (LLaVA's language_model). LlamaParams' options turn the same
// blocks into the decoders that copy Llama (Mistral, Qwen2/3, Gemma/Gemma2, Phi3, ...); hooks
// swap a layer's attention (DeepSeek's MLA) or feed-forward (mixtures of experts).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "model/architecture.h"
#include "archs/llama/attention_kernel.h"
#include "archs/llama/llama_params.h"
#include "archs/llama/rotary.h"
#include "archs/nn/activation.h"
#include "archs/nn/embedding.h"
#include "archs/nn/linear.h"
#include "archs/nn/llama_rms_norm.h"

namespace calflops {

/// A decoder layer's self-attention: (B, S, hidden) -> (B, S, hidden). `cos` is the shape of
/// the model-level rotary table (position batch, S, rotary dim).
class SelfAttention {
 public:
  virtual ~SelfAttention() = default;
  virtual Shape Forward(Tracer& t, const Shape& x, const Shape& cos,
                        const DecoderStep& s) const = 0;
  /// What this layer keeps in the KV cache per token (Architecture::KvCache); module kNoModule
  /// when not declared, and the architecture traces the cache instead.
  virtual KvCacheSpec Cache() const { return {}; }
};

/// A decoder layer's feed-forward half (gated MLP, mixture of experts): (..., hidden) -> same.
class FeedForward {
 public:
  virtual ~FeedForward() = default;
  virtual Shape Forward(Tracer& t, const Shape& x) const = 0;
};

/// LlamaRMSNorm or GemmaRMSNorm, by style.
struct RmsNormBlock {
  ModuleId id = kNoModule;
  int64_t dim = 0;
  NormStyle style = NormStyle::kLlama;

  static RmsNormBlock Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                            const std::string& cls, int64_t dim, double eps, NormStyle style,
                            DType dtype);
  Shape operator()(Tracer& t, const Shape& x) const;
};

/// Multi-head / grouped-query / multi-query attention with RoPE.
struct LlamaAttentionBlock : SelfAttention {
  ModuleId id = kNoModule;
  Linear q, k, v, qkv, o;  ///< qkv when fused (Phi3), else q, k, v
  bool fused_qkv = false;
  std::optional<double> clip_qkv;  ///< OLMo
  std::optional<RmsNormBlock> q_norm, k_norm;  ///< QkNorm::kPerHead or kFull
  QkNorm qk_norm = QkNorm::kNone;
  ModuleId rotary = kNoModule;  ///< per-attention rotary_emb that computes its own tables
  AttentionKernel kernel;
  int64_t n_heads = 0, n_kv_heads = 0, head_dim = 0;

  /// Registers the attention module `name` under `parent` with the family's class and layout.
  static LlamaAttentionBlock Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                                   const LlamaParams& p, AttnImpl impl, DType dtype);
  Shape Forward(Tracer& t, const Shape& x, const Shape& cos, const DecoderStep& s) const override;
  /// DynamicCache: K and V, kv heads x head dim each.
  KvCacheSpec Cache() const override;
};

/// Gated MLP: down(act(gate(x)) * up(x)); gate and up fused into gate_up_proj for Phi3.
struct LlamaMlpBlock : FeedForward {
  ModuleId id = kNoModule;
  Linear gate, up, down, gate_up;
  bool fused = false;
  Activation act;

  /// Registers `name` (class `cls`) with gate_proj, up_proj, down_proj, act_fn (or Phi3's
  /// gate_up_proj, down_proj, activation_fn) of the given width.
  static LlamaMlpBlock Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                             const std::string& cls, int64_t intermediate, const LlamaParams& p,
                             DType dtype);
  Shape Forward(Tracer& t, const Shape& x) const override;
};

/// Customisation points of LlamaModelBlock::Build.
struct DecoderHooks {
  /// Registers layer i's attention (as "self_attn") under `layer`. Default: LlamaAttentionBlock.
  std::function<std::shared_ptr<const SelfAttention>(ModuleTree&, ModuleId layer, int64_t i)>
      attention;
  /// Registers layer i's feed-forward under `layer`. Default: LlamaMlpBlock "mlp".
  std::function<std::shared_ptr<const FeedForward>(ModuleTree&, ModuleId layer, int64_t i)>
      feed_forward;
  int64_t rotary_dim = 0;  ///< dimension of the rotary tables; 0 = head_dim
  /// Computes the model-level rotary tables in place of RotaryTables (DeepSeek-V2's complex
  /// torch.polar tables) and returns the shape every layer receives as `cos`.
  std::function<Shape(Tracer&, ModuleId rotary, const DecoderStep&)> rotary_tables;
  /// Registers a family's extra modules with no cost of their own (Phi3's Dropouts): under the
  /// model after embed_tokens, and under each layer before post_attention_layernorm.
  std::function<void(ModuleTree&, ModuleId model)> after_embedding;
  std::function<void(ModuleTree&, ModuleId layer)> before_post_norm;
};

struct LlamaDecoderLayerBlock {
  ModuleId id = kNoModule;
  std::shared_ptr<const SelfAttention> attn;
  std::shared_ptr<const FeedForward> mlp;
  std::optional<RmsNormBlock> input_norm;  ///< input_layernorm (absent when kPost)
  RmsNormBlock post_norm;                  ///< post_attention_layernorm (absent when kParallel)
  std::optional<RmsNormBlock> pre_ff_norm, post_ff_norm;  ///< pre_/post_feedforward_layernorm
  NormPlacement placement = NormPlacement::kPre;
  bool residual_multiplier = false;  ///< Granite: residual + h * m
  Shape Forward(Tracer& t, const Shape& x, const Shape& cos, const DecoderStep& s) const;
};

struct LlamaModelBlock {
  ModuleId id = kNoModule;
  Embedding embed;
  std::vector<LlamaDecoderLayerBlock> layers;
  RmsNormBlock norm;
  ModuleId rotary = kNoModule;  ///< model-level rotary_emb that computes the tables, if any
  ModuleId rotary_local = kNoModule;  ///< Gemma3's rotary_emb_local (same shapes, own base)
  bool rotary_scaled = true;
  bool rotary_half = false;  ///< GPT-OSS: tables without the cat (RotaryHalfTables)
  bool scale_embeddings = false;
  bool embedding_multiplier = false;  ///< Granite: inputs_embeds * a Python float
  bool scale_in_embedding = false;  ///< the scale is the embedding module's own op
  int64_t rotary_dim = 0;
  std::function<Shape(Tracer&, ModuleId, const DecoderStep&)> rotary_tables;  ///< DecoderHooks'

  /// Builds the modules under `id` (already created with the model's class name).
  static LlamaModelBlock Build(ModuleTree& tree, ModuleId id, const LlamaParams& p, AttnImpl impl,
                               DType dtype, const DecoderHooks& hooks = {});
  /// Runs the decoder; `embeds_given` skips embed_tokens (inputs_embeds passed by a wrapper).
  Shape Forward(Tracer& t, const DecoderStep& s, bool embeds_given = false) const;
  /// Every layer's declared cache (SelfAttention::Cache); empty if a layer declares none.
  std::vector<KvCacheSpec> KvCache() const;
};

struct LlamaCausalLmBlock {
  ModuleId id = kNoModule;
  LlamaModelBlock model;
  Linear lm_head;
  std::optional<double> final_softcap;
  bool logits_divisor = false;     ///< Granite: logits / logits_scaling
  bool logits_multiplier = false;  ///< Cohere: logits * logit_scale

  static LlamaCausalLmBlock Build(ModuleTree& tree, ModuleId id, const LlamaParams& p,
                                  AttnImpl impl, DType dtype, const DecoderHooks& hooks = {});
  /// Decoder plus the head over the last `logits` positions.
  Shape Forward(Tracer& t, const DecoderStep& s, int64_t logits, bool embeds_given = false) const;
};

}  // namespace calflops
