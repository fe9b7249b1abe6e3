// A tiny Phi (phi-2 layout) executed on real numbers by the brute-force reference (tensor.h),
// following transformers v4.45 modeling_phi.py: LayerNorm, biased q/k/v/dense, rotary on the
// first partial_rotary_factor of each head (model-level tables), fc1 -> gelu_new -> fc2, the
// parallel block attn(n) + mlp(n) + residual, final_layernorm, a biased lm_head. Attention:
// scores / sqrt(d), + mask (eager always; SDPA when more than one query attends), softmax, @ v.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "reference/tensor.h"

namespace reference {

struct TinyPhiConfig {
  int64_t hidden = 16, intermediate = 24, layers = 2, heads = 2, kv_heads = 1, vocab = 50;
  double partial_rotary = 0.5;  ///< head_dim 8: 4 rotary dims
  std::string ToJson() const;
};

class TinyPhi {
 public:
  TinyPhi(const TinyPhiConfig& c, std::string attn, unsigned seed = 1);
  /// One PhiForCausalLM call of `tokens` new positions after the cached ones; the head runs
  /// over the last `logits` positions.
  void Forward(int64_t batch, int64_t tokens, int64_t logits);

 private:
  Tensor W(std::vector<int64_t> shape) { return Tensor::Random(std::move(shape), rng_); }
  Tensor Lin(const char* name, const Tensor& x, int64_t out);
  Tensor Norm(const char* name, const Tensor& x);
  Tensor Attention(size_t layer, const Tensor& x, int64_t tokens);

  TinyPhiConfig c_;
  std::string attn_;
  std::mt19937 rng_;
  int64_t head_dim_, rot_;
  std::vector<Tensor> cache_k_, cache_v_;
  int64_t past_ = 0;
  Tensor cos_, sin_;
};

}  // namespace reference
