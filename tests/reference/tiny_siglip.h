// A tiny SigLIP executed on real numbers by the brute-force reference: text tower, vision tower
// with the attention-pooling head (torch.nn.MultiheadAttention's need_weights path: q and k|v
// projections, q * sqrt(1/d), bmm, softmax, bmm, out projection, mean of the weights over heads)
// and the contrastive logits.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "reference/nn_ops.h"

namespace reference {

struct TinySiglipConfig {
  std::string cls = "SiglipModel";  ///< or SiglipVisionModel / SiglipTextModel
  int64_t hidden = 16, intermediate = 24, layers = 2, heads = 4, vocab = 40, max_positions = 6;
  int64_t image = 8, patch = 4, channels = 3;
  bool vision_head = true;  ///< vision_use_head (false: Gemma 3's tower ends at post_layernorm)
  std::string ToJson() const;
};

class TinySiglip {
 public:
  explicit TinySiglip(const TinySiglipConfig& c, unsigned seed = 1);
  void Forward(int64_t text_batch, int64_t tokens, int64_t images);
  /// The vision transformer ("vision_model") on `b` images: pooled (B, E), or the
  /// last_hidden_state (B, N, E) without the head.
  Tensor Vision(int64_t b);

 private:
  struct Layer {
    Tensor ln1w, ln1b, q, k, v, o, qb, kb, vb, ob, ln2w, ln2b, fc1, fc1b, fc2, fc2b;
  };
  std::vector<Layer> MakeLayers(std::mt19937& rng);
  Tensor Encoder(const std::vector<Layer>& layers, Tensor x);
  Tensor Text(int64_t b, int64_t s);
  TinySiglipConfig c_;
  std::vector<Layer> text_layers_, vision_layers_;
  Tensor tok_, tpos_, tlnw_, tlnb_, thead_, theadb_;
  Tensor conv_, convb_, vpos_, vlnw_, vlnb_, probe_, in_w_, in_b_, out_w_, out_b_, hlnw_, hlnb_,
      hfc1_, hfc1b_, hfc2_, hfc2b_;
};

}  // namespace reference
