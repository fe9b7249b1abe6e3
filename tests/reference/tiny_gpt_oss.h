// A tiny GPT-OSS executed on real numbers by the brute-force reference, following transformers
// v4.57's modeling_gpt_oss.py: biased q/k/v/o, RoPE on the two halves of each head, eager
// attention with sinks (row max subtracted, softmax over keys + sink, sink dropped), sliding
// layers on a window - 1 token cache, and GptOssMLP's router (top-k logits, softmax over them)
// with the routed expert loop (gate/up interleaved, clamps, gate * sigmoid(1.702 gate),
// (up + 1) * glu, biases). Tokens go to experts by the program's fixed assignment.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "reference/tensor.h"

namespace reference {

struct TinyGptOssConfig {
  int64_t hidden = 12, intermediate = 10, layers = 2, heads = 4, kv_heads = 2, head_dim = 6;
  int64_t vocab = 40, experts = 4, top_k = 2, window = 3;
  std::string ToJson() const;  ///< layer_types: sliding, full, sliding, ...
};

class TinyGptOss {
 public:
  explicit TinyGptOss(const TinyGptOssConfig& c, unsigned seed = 1);
  /// One call; generate() passes position_ids of shape (batch, tokens), a bare forward (1, tokens).
  Tensor Forward(int64_t batch, int64_t tokens, int64_t logits, bool generate);

 private:
  Tensor W(std::vector<int64_t> shape) { return Tensor::Random(std::move(shape), rng_); }
  Tensor Lin(const char* name, const Tensor& x, int64_t out);
  Tensor Norm(const char* name, const Tensor& x);
  Tensor Attention(size_t layer, const Tensor& x, int64_t tokens);
  Tensor Moe(const Tensor& x);

  TinyGptOssConfig c_;
  std::mt19937 rng_;
  std::vector<Tensor> cache_k_, cache_v_;
  int64_t past_ = 0;
  Tensor cos_, sin_;
};

}  // namespace reference
