// MllamaForCausalLM as transformers v4.45.1 builds it (modeling_mllama.py): a Llama 3 decoder
// (embed_tokens with vocab_size + 8 rows, model-level rotary_emb, norm; lm_head of vocab_size)
// whose layers at `cross_attention_layers` are replaced by MllamaCrossAttentionDecoderLayer:
// no self-attention, but cross_attn over the projected vision tokens (q_proj then q_norm per
// head; k_proj, v_proj of the vision tokens, k_norm per head; no RoPE), the attention output and
// the MLP output each scaled by a tanh gate (cross_attn_attn_gate, cross_attn_mlp_gate), and the
// MLP output multiplied by full_text_row_masked_out_mask. A cross layer is skipped entirely when
// there are neither vision states nor cached cross K/V (a text-only run).
//
// The cross K/V are computed once, at the call that encodes the images, and kept in the cache:
// SDPA caches them per key-value head and runs repeat_kv + k_norm over the cache at every step;
// eager repeats and normalises them before caching (num_attention_heads per position).
#pragma once

#include <memory>
#include <vector>

#include "archs/llama/llama_blocks.h"

namespace calflops {

struct MllamaTextParams {
  LlamaParams text;  ///< MllamaTextConfig through LlamaParams (prefix MllamaText)
  std::vector<int64_t> cross_layers{3, 8, 13, 18, 23, 28, 33, 38};

  static MllamaTextParams FromConfig(const Config& c);
  bool IsCross(int64_t i) const;
};

struct MllamaCrossLayer {
  ModuleId id = kNoModule, attn = kNoModule;
  Linear q, k, v, o;
  RmsNormBlock q_norm, k_norm, input_norm, post_norm;
  std::shared_ptr<const FeedForward> mlp;
  int64_t n_heads = 0, n_kv_heads = 0, head_dim = 0;
  AttnImpl impl = AttnImpl::kSdpa;

  /// x (B, S, hidden); `vision` = cross-attention states (B, N, hidden) when this call encodes
  /// images, else N cached vision tokens (`fresh` false).
  Shape Forward(Tracer& t, const Shape& x, int64_t vision_tokens, bool fresh) const;
};

struct MllamaTextBlock {
  ModuleId id = kNoModule;  ///< MllamaForCausalLM
  ModuleId model = kNoModule, rotary = kNoModule;
  Embedding embed;
  /// One entry per layer: `self` set for a self-attention layer, else `cross`.
  std::vector<std::optional<LlamaDecoderLayerBlock>> self;
  std::vector<std::optional<MllamaCrossLayer>> cross;
  RmsNormBlock norm;
  Linear lm_head;
  MllamaTextParams p;

  /// Registers `model` and `lm_head` under `id` (already created as MllamaForCausalLM).
  static MllamaTextBlock Build(ModuleTree& tree, ModuleId id, const MllamaTextParams& p,
                               AttnImpl impl, DType dtype);
  /// input ids (B, S) -> logits (B, logits, vocab). `vision_tokens` per sequence (0: text only);
  /// `fresh`: this call computes the cross K/V (else they come from the cache).
  Shape Forward(Tracer& t, const DecoderStep& s, int64_t logits, int64_t vision_tokens,
                bool fresh) const;
  /// The self-attention layers' K and V per token (the cross K/V is per image, not declared).
  std::vector<KvCacheSpec> KvCache() const;
};

}  // namespace calflops
