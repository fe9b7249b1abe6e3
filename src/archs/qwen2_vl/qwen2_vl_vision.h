// The Qwen2-VL vision transformer (transformers v4.45 modeling_qwen2_vl.py,
// Qwen2VisionTransformerPretrainedModel) and its Qwen2.5-VL variant (upstream
// modeling_qwen2_5_vl.py, commit 00b676f8): a Conv3d patch embedding, 2D rotary positions
// (VisionRotaryEmbedding), pre-norm blocks, and a PatchMerger that folds merge x merge patches
// into one language-model token.
//  * Qwen2-VL (4.45): LayerNorms, fc1 / act / fc2 MLP, 2D RoPE with cos / sin recomputed in every
//    attention for q and for k; eager and SDPA attend over every patch of every image of the call
//    at once under one block-diagonal mask, flash-attention within each image.
//  * Qwen2.5-VL: Qwen2RMSNorm, a biased SwiGLU MLP, cos / sin computed once by the tower; every
//    attention implementation runs one unmasked attention per cu_seqlens chunk: each image in
//    fullatt_block_indexes, each window of window_size pixels (window_size / 28 merged tokens a
//    side) elsewhere.
#pragma once

#include <optional>
#include <vector>

#include "archs/llama/llama_blocks.h"
#include "archs/nn/layer_norm.h"
#include "archs/nn/linear.h"
#include "readers/hf_config/config.h"

namespace calflops {

struct Qwen2VisionParams {
  int64_t embed = 1280;       ///< embed_dim (Qwen2.5-VL: hidden_size)
  int64_t out_hidden = 3584;  ///< the language model's width (hidden_size / out_hidden_size)
  int64_t depth = 32, heads = 16, mlp_hidden = 5120;
  int64_t patch = 14, temporal_patch = 2, merge = 2, in_channels = 3;
  std::string act = "quick_gelu", act_where;
  std::string patch_where, merge_where;  ///< the keys of patch and merge, for errors
  bool v2_5 = false;                 ///< Qwen2.5-VL blocks: RMSNorm, gated MLP, windowed attention
  int64_t window = 112;              ///< window_size in pixels (2.5)
  std::vector<int64_t> full_blocks;  ///< fullatt_block_indexes (2.5)

  int64_t head_dim() const { return embed / heads; }
  /// Qwen2VLVisionConfig (v4.45) keys and defaults; a bad value names its key.
  static Qwen2VisionParams FromQwen2Vl(const Config& vc);
  /// The patch and merge keys both versions' vision configs share, with their common defaults:
  /// in_channels, patch_size, temporal_patch_size, spatial_merge_size.
  void ReadPatchKeys(const Config& vc);
};

/// Qwen2.5-VL's get_window_index for one grid_h x grid_w image: the patch count of each
/// non-empty window (merged tokens x merge^2), as (patches, windows of that size) pairs.
std::vector<std::pair<int64_t, int64_t>> Qwen25WindowChunks(int64_t grid_h, int64_t grid_w,
                                                            int64_t window_tokens, int64_t merge);

/// One image grid of the call: `images` images of grid_h x grid_w patches each.
struct VisionBatch {
  int64_t images = 0, grid_h = 0, grid_w = 0;
  int64_t per_image() const { return grid_h * grid_w; }
  int64_t patches() const { return images * per_image(); }
};

class Qwen2VisionTower {
 public:
  /// Registers patch_embed, rotary_pos_emb, blocks and merger under `id` (class already set).
  static Qwen2VisionTower Build(ModuleTree& tree, ModuleId id, const Qwen2VisionParams& p,
                                AttnImpl impl, DType dtype);
  /// visual(pixel_values, grid_thw): returns the merged features (patches / merge^2, out_hidden).
  Shape Forward(Tracer& t, const VisionBatch& b) const;

 private:
  struct Block {
    ModuleId id = kNoModule, attn = kNoModule, mlp = kNoModule;
    RmsNormBlock norm1, norm2;
    Linear qkv, proj, fc1, fc2, gate, up, down;
    Activation act;
    bool full = true;  ///< attends over the whole image (Qwen2-VL: every block)
  };
  Shape Attention(Tracer& t, const Block& b, const Shape& x, const VisionBatch& vb) const;
  /// Qwen2.5-VL: one unmasked attention per chunk of `len` patches, `count` chunks.
  void ChunkAttention(Tracer& t, ModuleId m, int64_t len, int64_t count) const;
  Shape Rotary(Tracer& t, ModuleId m, const Shape& x, const Shape& cos, const Shape& sin) const;

  Qwen2VisionParams p_;
  AttnImpl impl_ = AttnImpl::kSdpa;
  ModuleId id_ = kNoModule, proj_ = kNoModule, rotary_ = kNoModule, merger_ = kNoModule;
  ModuleId gelu_ = kNoModule;
  RmsNormBlock ln_q_;
  Linear mlp0_, mlp2_;
  std::vector<Block> blocks_;
};

}  // namespace calflops
