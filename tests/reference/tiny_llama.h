// A tiny Llama executed on real numbers by the brute-force reference (tensor.h): the math of
// transformers' LlamaForCausalLM forward, with a KV cache for generation, charged to the same
// module paths. Attention is the dense composition scores = q k^T, / sqrt(d), + causal mask when
// more than one query attends, softmax, @ v (what sdpa / flash compute).
#pragma once

#include <random>
#include <vector>

#include "reference/tensor.h"

namespace reference {

struct TinyLlamaConfig {
  int64_t hidden = 16, intermediate = 24, layers = 2, heads = 4, kv_heads = 2, vocab = 50;
  bool attention_bias = false, mlp_bias = false;
  /// The config.json text for the program under test, from these values.
  std::string ToJson() const;
};

class TinyLlama {
 public:
  TinyLlama(const TinyLlamaConfig& c, unsigned seed = 1);
  /// One forward call of `tokens` new positions per sequence after `past` cached ones; the head
  /// runs over the last `logits` positions. Returns the logits.
  Tensor Forward(int64_t batch, int64_t tokens, int64_t logits);
  /// model.embed_tokens on `tokens` ids per sequence (a gather: no arithmetic).
  Tensor Embed(int64_t batch, int64_t tokens);
  /// The forward call from inputs_embeds (batch, tokens, hidden), as multimodal wrappers run it.
  Tensor ForwardEmbeds(const Tensor& inputs_embeds, int64_t logits);
  void ResetCache() {
    cache_k_.assign(cfg_.layers, Tensor());
    cache_v_.assign(cfg_.layers, Tensor());
    past_ = 0;
  }

 private:
  Tensor RmsNorm(const Tensor& x, const Tensor& w);
  struct Layer {
    Tensor q, k, v, o, qb, kb, vb, ob, gate, up, down, gb, ub, db, in_norm, post_norm;
  };
  TinyLlamaConfig cfg_;
  int64_t head_dim_;
  Tensor embed_, norm_, lm_head_;
  std::vector<Layer> layers_;
  std::vector<Tensor> cache_k_, cache_v_;
  int64_t past_ = 0;
};

}  // namespace reference
