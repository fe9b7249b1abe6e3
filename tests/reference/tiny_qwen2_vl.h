// A tiny Qwen2-VL executed on real numbers by the brute-force reference, following transformers
// v4.45's modeling_qwen2_vl.py: the vision tower (Conv3d patches as a product, 2D rotary applied
// to q and k with cos / sin recomputed for each, one block-diagonal mask over every patch of the
// call, QuickGELU MLPs, the 2 x 2 PatchMerger), and the Qwen2 decoder with M-RoPE tables for the
// three position rows, with a KV cache for generation. The head runs over every position of a
// call (4.45 has no num_logits_to_keep). Every scalar operation is counted under the module path
// that runs it.
//
// With `v2_5`, the Qwen2.5-VL of upstream modeling_qwen2_5_vl.py (commit 00b676f8): `model` holds
// `visual` and `language_model`; the tower has RMSNorms, a biased SwiGLU, cos / sin computed once,
// and attends without a mask within each window of `window` pixels (patches grouped by the
// window of their merged token) except in `full_blocks`, which attend within each image; eager
// decoder scores are multiplied by the scaling.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "reference/tiny_cached_lm.h"

namespace reference {

struct TinyQwen2VlConfig {
  // Decoder: head_dim 6, mrope_section [1, 1, 1].
  int64_t hidden = 24, intermediate = 32, layers = 2, heads = 4, kv_heads = 2, vocab = 50;
  // Vision: head_dim 4; patches are 1 x 2 x 14 x 14 pixels.
  int64_t embed = 8, vision_heads = 2, depth = 2, mlp = 16, channels = 1;
  bool v2_5 = false;
  int64_t window = 56;                     ///< window_size (2.5): 2 x 2 merged tokens
  std::vector<int64_t> full_blocks = {1};  ///< fullatt_block_indexes (2.5)
  std::string ToJson() const;
};

class TinyQwen2Vl : TinyCachedLm {
 public:
  TinyQwen2Vl(const TinyQwen2VlConfig& c, std::string attn, unsigned seed = 3);
  /// One forward call of `tokens` merged positions per sequence (image placeholders already
  /// expanded) after the cached ones, encoding `images` images of grid_h x grid_w patches per
  /// sequence; the head over the last `logits` positions.
  Tensor Forward(int64_t batch, int64_t tokens, int64_t images, int64_t grid_h, int64_t grid_w,
                 int64_t logits);

 private:
  Tensor Vision(int64_t images, int64_t grid_h, int64_t grid_w);
  Tensor VisionAttention(const Tensor& x, const Tensor& freqs, int64_t images, int64_t per_image);
  /// Qwen2.5-VL: rotary with the tower's tables, then one attention per chunk of patch indices.
  Tensor VisionAttention25(const Tensor& x, const Tensor& cos, const Tensor& sin,
                           const std::vector<std::vector<int64_t>>& chunks);
  Tensor Decoder(const Tensor& embeds);

  TinyQwen2VlConfig c_;
};

}  // namespace reference
