// The Llama decoder as transformers v4.45 registers it: LlamaModel (embed_tokens, layers, norm,
// rotary_emb) and LlamaForCausalLM (model, lm_head), each buildable under any parent so that
// multimodal models can nest them (LLaVA's language_model).
#pragma once

#include <vector>

#include "archs/architecture.h"
#include "archs/llama/llama_params.h"
#include "archs/nn/activation.h"
#include "archs/nn/embedding.h"
#include "archs/nn/linear.h"
#include "archs/nn/llama_rms_norm.h"

namespace calflops {

/// Shapes of one decoder call: batch, new tokens, tokens already cached.
struct DecoderStep {
  int64_t batch = 1;
  int64_t tokens = 0;
  int64_t past = 0;
  int64_t position_batch = 1;  ///< batch of position_ids (1 unless generate() passes them)
};

struct LlamaAttentionBlock {
  ModuleId id = kNoModule;
  Linear q, k, v, o;
  AttnImpl impl = AttnImpl::kSdpa;
  int64_t n_heads = 0, n_kv_heads = 0, head_dim = 0;

  Shape Forward(Tracer& t, const Shape& x, const Shape& cos, const DecoderStep& s) const;
};

struct LlamaMlpBlock {
  ModuleId id = kNoModule;
  Linear gate, up, down;
  Activation act;
  Shape Forward(Tracer& t, const Shape& x) const;
};

struct LlamaDecoderLayerBlock {
  ModuleId id = kNoModule;
  LlamaAttentionBlock attn;
  LlamaMlpBlock mlp;
  LlamaRmsNorm input_norm, post_norm;
  Shape Forward(Tracer& t, const Shape& x, const Shape& cos, const DecoderStep& s) const;
};

struct LlamaModelBlock {
  ModuleId id = kNoModule;
  Embedding embed;
  std::vector<LlamaDecoderLayerBlock> layers;
  LlamaRmsNorm norm;
  ModuleId rotary = kNoModule;
  int64_t head_dim = 0;

  /// Builds the modules under `id` (already created with the model's class name).
  static LlamaModelBlock Build(ModuleTree& tree, ModuleId id, const LlamaParams& p, AttnImpl impl,
                               DType dtype);
  /// Runs the decoder; `embeds_given` skips embed_tokens (inputs_embeds passed by a wrapper).
  Shape Forward(Tracer& t, const DecoderStep& s, bool embeds_given = false) const;
  /// DynamicCache: K and V of every layer, kv heads x head dim each, for every token.
  std::vector<KvCacheSpec> KvCache() const;
};

struct LlamaCausalLmBlock {
  ModuleId id = kNoModule;
  LlamaModelBlock model;
  Linear lm_head;

  static LlamaCausalLmBlock Build(ModuleTree& tree, ModuleId id, const LlamaParams& p,
                                  AttnImpl impl, DType dtype);
  /// Decoder plus the head over the last `logits` positions.
  Shape Forward(Tracer& t, const DecoderStep& s, int64_t logits, bool embeds_given = false) const;
};

/// Class name of the attention module for an implementation: LlamaSdpaAttention, ...
std::string AttentionClass(const std::string& prefix, AttnImpl impl);

}  // namespace calflops
