// Tiny Jamba executed on real numbers by the brute-force reference: transformers 4.45.1
// modeling_jamba.py with attention layers (no position embedding; the causal mask tensor is
// always added, SDPA included), Mamba layers (the Mamba mixer with RMSNorms on dt, B and C,
// tiny_mamba.h) and feed-forwards that are routed experts (router, softmax, top-k without
// renormalisation) on expert layers and gated MLPs elsewhere, charged to the same module paths.
// Experts get tokens by the fixed assignment of tiny_decoder.h: token t's j-th pick is expert
// (t * top_k + j) mod experts.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "reference/tensor.h"
#include "reference/tiny_mamba.h"

namespace reference {

struct TinyJambaConfig {
  std::string cls = "JambaForCausalLM";  ///< or JambaModel
  int64_t hidden = 8, intermediate = 12, layers = 4, heads = 2, kv_heads = 1, vocab = 20;
  int64_t attn_period = 2, attn_offset = 1, expert_period = 2, expert_offset = 0;
  int64_t experts = 3, top_k = 2, d_state = 3, d_conv = 3, expand = 2, dt_rank = 2;
  int64_t logits_to_keep = 1;
  std::string ToJson() const;
};

class TinyJamba {
 public:
  explicit TinyJamba(const TinyJambaConfig& c, unsigned seed = 1);
  /// One call of `tokens` new tokens per sequence after the cached ones (`cached`: generate's
  /// hybrid cache; a plain forward keeps nothing); the head runs over the last `logits`.
  void Forward(int64_t batch, int64_t tokens, bool prefill, int64_t logits);

 private:
  Tensor W(std::vector<int64_t> shape) { return Tensor::Random(std::move(shape), rng_); }
  Tensor Lin(const char* name, const Tensor& x, int64_t out);
  Tensor Norm(const char* name, const Tensor& x);
  Tensor Mlp(const Tensor& x);
  Tensor Moe(const Tensor& x);
  Tensor Attention(size_t layer, const Tensor& x, int64_t tokens);

  TinyJambaConfig c_;
  std::mt19937 rng_;
  std::vector<MambaMixerRef> mixers_;  ///< one per layer (used by the Mamba layers)
  std::vector<Tensor> cache_k_, cache_v_;
  int64_t past_ = 0;
};

}  // namespace reference
