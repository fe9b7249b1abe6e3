// A tiny Falcon executed on real numbers by the brute-force reference (tensor.h), following
// transformers v4.45 modeling_falcon.py: fused query_key_value in its three layouts (multi-head,
// multi-query, new_decoder_architecture groups broadcast to every head), FalconLinear (x @ W.T,
// + bias), LayerNorm, GELU MLP, parallel or sequential block, model-level rotary tables, and a
// head over every position. Attention: scores / sqrt(d), + mask (eager always; SDPA when more
// than one query attends), softmax, @ v.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "reference/tensor.h"

namespace reference {

struct TinyFalconConfig {
  int64_t hidden = 16, layers = 2, heads = 4, kv_heads = 2, vocab = 50, ffn = 24;
  bool new_arch = false, multi_query = true, parallel = true, bias = false;
  int64_t num_ln = 0;  ///< num_ln_in_parallel_attn; 0 writes nothing (None)
  std::string ToJson() const;
};

class TinyFalcon {
 public:
  TinyFalcon(const TinyFalconConfig& c, std::string attn, unsigned seed = 1);
  /// One FalconForCausalLM call of `tokens` new positions after the cached ones; the head runs
  /// over all of them (4.45 has no num_logits_to_keep), whatever `logits` says.
  void Forward(int64_t batch, int64_t tokens, int64_t logits);

 private:
  Tensor W(std::vector<int64_t> shape) { return Tensor::Random(std::move(shape), rng_); }
  Tensor Lin(const char* name, const Tensor& x, int64_t out);
  Tensor Norm(const char* name, const Tensor& x);
  Tensor Attention(size_t layer, const Tensor& x, int64_t tokens);
  Tensor Mlp(const Tensor& x);

  TinyFalconConfig c_;
  std::string attn_;
  std::mt19937 rng_;
  int64_t head_dim_;
  std::vector<Tensor> cache_k_, cache_v_;
  int64_t past_ = 0;
  Tensor cos_, sin_;
};

}  // namespace reference
