// A tiny CLIP vision transformer executed on real numbers by the brute-force reference
// (tensor.h): the math of transformers' CLIPVisionTransformer forward (patch convolution, CLS,
// position embeddings, pre-norm encoder layers with QuickGELU MLPs, pooled post_layernorm),
// charged to the same module paths below the caller's scope.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "reference/tensor.h"

namespace reference {

struct TinyClipVisionConfig {
  int64_t hidden = 8, intermediate = 12, layers = 2, heads = 2, channels = 3, image = 8, patch = 2;
  /// The vision_config JSON object for the program under test.
  std::string ToJson() const;
};

class TinyClipVision {
 public:
  TinyClipVision(const TinyClipVisionConfig& c, unsigned seed = 2);
  /// pixel_values (N, C, image, image) -> hidden states: the embeddings' output, then each
  /// layer's (layers + 1 tensors of (N, 1 + patches, hidden)), as output_hidden_states gives.
  std::vector<Tensor> Forward(const Tensor& pixels);
  const TinyClipVisionConfig& config() const { return cfg_; }

 private:
  struct Layer {
    Tensor k, v, q, o, kb, vb, qb, ob, ln1w, ln1b, fc1, fc1b, fc2, fc2b, ln2w, ln2b;
  };
  TinyClipVisionConfig cfg_;
  Tensor class_embedding_, patch_weight_, position_, pre_w_, pre_b_, post_w_, post_b_;
  std::vector<Layer> layers_;
};

/// LayerNorm over the last dimension with weight and bias: mean, centre, variance, + eps, rsqrt,
/// scale, * weight, + bias, every scalar operation counted.
Tensor LayerNormLast(const Tensor& x, const Tensor& w, const Tensor& b);

}  // namespace reference
