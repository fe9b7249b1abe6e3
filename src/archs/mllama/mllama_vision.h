// MllamaVisionModel as transformers v4.45.1 builds it (modeling_mllama.py): a tiled ViT. Every
// image arrives as max_num_tiles tiles of image_size x image_size (the processor pads the tile
// count; aspect_ratio_mask marks the real ones), each tile is cut into patch x patch squares by a
// bias-free Conv2d and gets a class token: (image_size / patch)^2 + 1 vectors per tile. Gated
// aspect-ratio ("pre-tile" and "post-tile") and position embeddings are added, each tile's
// sequence is zero-padded to a multiple of 8, and two encoders attend over all tiles of an image
// at once (max_num_tiles x padded positions, masked): `transformer` (num_hidden_layers plain
// layers, every hidden state kept) and `global_transformer` (num_global_layers layers whose
// attention and MLP outputs are scaled by tanh gates). The output concatenates the global
// encoder's last state with the local encoder's states at intermediate_layers_indices, padding
// removed: hidden x (1 + len(indices)) = vision_output_dim features per position.
#pragma once

#include <vector>

#include "archs/nn/activation.h"
#include "archs/nn/conv2d.h"
#include "archs/nn/embedding.h"
#include "archs/nn/layer_norm.h"
#include "archs/nn/linear.h"
#include "model/architecture.h"
#include "readers/hf_config/config.h"

namespace calflops {

/// MllamaVisionConfig keys with their v4.45.1 defaults.
struct MllamaVisionParams {
  int64_t hidden = 1280, intermediate = 5120, n_layers = 32, n_global_layers = 8, n_heads = 16;
  int64_t head_dim = 80, channels = 3, image = 448, patch = 14, max_tiles = 4;
  int64_t aspect_ratios = 8;  ///< len(supported_aspect_ratios): max_aspect_ratio_id
  int64_t output_dim = 7680;  ///< vision_output_dim
  std::vector<int64_t> intermediate_indices{3, 7, 15, 23, 30};
  double eps = 1e-5;
  std::string act = "gelu", act_where;

  /// Vectors per tile: (image_size // patch_size)^2 patches + the class token.
  int64_t positions() const { return (image / patch) * (image / patch) + 1; }
  /// positions() zero-padded to a multiple of 8 (what the encoders attend over, per tile).
  int64_t padded() const { return (positions() + 7) / 8 * 8; }
  /// Vision tokens per image that the language model cross-attends to (padding removed).
  int64_t tokens_per_image() const { return max_tiles * positions(); }

  static MllamaVisionParams FromConfig(const Config& c);
};

struct MllamaVisionLayer {
  ModuleId id = kNoModule, attn = kNoModule, mlp = kNoModule;
  Linear q, k, v, o, fc1, fc2;
  Activation act;
  LayerNorm input_norm, post_norm;
  bool gated = false;
  /// x (N, L, hidden) with the 4-D aspect-ratio mask.
  Shape Forward(Tracer& t, const Shape& x, AttnImpl impl, int64_t heads, int64_t head_dim) const;
};

struct MllamaVisionTower {
  ModuleId id = kNoModule, position = kNoModule, pre_tile = kNoModule, post_tile = kNoModule;
  Conv2d patch;
  Embedding tile_embedding, pre_tile_embedding, post_tile_embedding;
  LayerNorm norm_pre, norm_post;
  std::vector<MllamaVisionLayer> local, global;
  MllamaVisionParams p;
  AttnImpl impl = AttnImpl::kSdpa;

  /// Registers the children of `id` (already created as MllamaVisionModel) in __init__ order.
  static MllamaVisionTower Build(ModuleTree& tree, ModuleId id, const MllamaVisionParams& p,
                                 AttnImpl impl, DType dtype);
  /// `images` = batch x images per sequence, each max_tiles tiles -> (images, tiles x positions,
  /// output_dim).
  Shape Forward(Tracer& t, int64_t images) const;
};

}  // namespace calflops
