// A tiny Llama 3.2 Vision (mllama) executed on real numbers by the brute-force reference,
// following transformers v4.45.1's modeling_mllama.py: the tiled vision model (patches as one
// dot product each, gated pre-tile / position / tile / post-tile embeddings, the class token,
// padding of every tile to a multiple of 8 positions, the aspect-ratio mask built as an outer
// product, the local encoder and the gated global encoder over all tiles of an image), the
// projector, and the text model whose cross-attention layers attend to the vision tokens with
// q_norm / k_norm and tanh gates, caching the cross K/V for generation (SDPA: per key-value head,
// repeat_kv + k_norm at every call; eager: k_norm once before caching). Every scalar operation
// is counted under the module path that runs it.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "reference/tiny_cached_lm.h"

namespace reference {

struct TinyMllamaConfig {
  // Text: head_dim 4; layer 1 is a cross-attention layer.
  int64_t hidden = 16, intermediate = 24, layers = 3, heads = 4, kv_heads = 2, vocab = 50;
  std::vector<int64_t> cross_layers = {1};
  // Vision: 4 x 4 pixel tiles of 2 x 2 patches (4 patches + class token = 5, padded to 8),
  // 2 tiles per image, head_dim 4, output 8 x (1 + 2) = 24.
  int64_t embed = 8, vision_heads = 2, vision_layers = 2, global_layers = 1, mlp = 16;
  int64_t image = 4, patch = 2, tiles = 2, channels = 1, aspect_ratios = 3;
  std::vector<int64_t> indices = {0, 2};
  int64_t positions() const { return (image / patch) * (image / patch) + 1; }
  int64_t padded() const { return (positions() + 7) / 8 * 8; }
  std::string ToJson() const;
};

class TinyMllama : TinyCachedLm {
 public:
  TinyMllama(const TinyMllamaConfig& c, std::string attn, unsigned seed = 5);
  /// One call of `tokens` prompt positions per sequence after the cached ones, encoding `images`
  /// images per sequence (0: none; the cross K/V come from the cache when `has_images`), the
  /// head over the last `logits` positions.
  Tensor Forward(int64_t batch, int64_t tokens, int64_t images, bool has_images, int64_t logits);

 private:
  Tensor Vision(int64_t images);
  Tensor VisionLayer(const Tensor& x, const Tensor& mask, bool gated);
  Tensor CrossLayer(size_t layer, const Tensor& x, const Tensor* states, int64_t vision);

  TinyMllamaConfig c_;
  int64_t vision_tokens_ = 0;  ///< per sequence, once images were encoded
};

}  // namespace reference
