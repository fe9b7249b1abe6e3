// A tiny ModernBERT executed on real numbers by the brute-force reference (tensor.h), following
// modeling_modernbert.py of the transformers 4.48/4.49 line (eager and SDPA paths): the model's
// mask preparation (1.0 - the expanded mask; the window arithmetic is integer bookkeeping),
// embeddings with a bias-free LayerNorm, pre-norm layers (no attn_norm in layer 0) with a fused
// Wqkv, per-attention rotary tables, scores * scale + the (global or window) mask, softmax, @ v,
// Wo, a GeGLU MLP, final_norm, and the masked-LM or mean-pooling classification heads.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "reference/tensor.h"

namespace reference {

struct TinyModernBertConfig {
  std::string cls = "ModernBertModel";  ///< or ModernBertForMaskedLM / ...ForSequenceClassification
  int64_t hidden = 16, intermediate = 12, layers = 3, heads = 2, vocab = 40, num_labels = 3;
  std::string pooling = "mean";
  std::string ToJson() const;
};

class TinyModernBert {
 public:
  TinyModernBert(const TinyModernBertConfig& c, unsigned seed = 1);
  void Forward(int64_t batch, int64_t tokens);

 private:
  Tensor W(std::vector<int64_t> shape) { return Tensor::Random(std::move(shape), rng_); }
  Tensor Lin(const char* name, const Tensor& x, int64_t out, bool bias);
  Tensor Norm(const char* name, const Tensor& x);
  Tensor Layer(int64_t i, const Tensor& x);

  TinyModernBertConfig c_;
  std::mt19937 rng_;
  Tensor tok_;
  int64_t tokens_ = 0;
};

}  // namespace reference
