// SigLIP's towers as transformers 4.45 registers them (modeling_siglip.py): pre-norm encoder
// layers (self_attn with q/k/v/out_proj, layer_norm1, mlp, layer_norm2), the text transformer
// (token + position embeddings, final_layer_norm, head on the last token) and the vision
// transformer (Conv2d patches + position embeddings, post_layernorm, and the multihead
// attention pooling head: a learned probe attends over the patches through
// torch.nn.MultiheadAttention, then LayerNorm and an MLP with a residual).
#pragma once

#include <optional>
#include <vector>

#include "model/architecture.h"
#include "archs/nn/activation.h"
#include "archs/nn/conv2d.h"
#include "archs/nn/embedding.h"
#include "archs/nn/layer_norm.h"
#include "archs/nn/linear.h"
#include "archs/nn/multihead_attention.h"
#include "readers/hf_config/config.h"

namespace calflops {

/// SiglipTextConfig / SiglipVisionConfig keys with their 4.45 defaults.
struct SiglipTowerParams {
  int64_t hidden = 768, intermediate = 3072, n_layers = 12, n_heads = 12, head_dim = 64;
  double eps = 1e-6;
  std::string act = "gelu_pytorch_tanh", act_where;
  // text
  int64_t vocab = 32000, max_positions = 64;
  // vision
  int64_t channels = 3, image = 224, patch = 16;
  bool use_head = true;

  static SiglipTowerParams Text(const Config& c);
  static SiglipTowerParams Vision(const Config& c);
};

struct SiglipMlp {
  ModuleId id = kNoModule;
  Activation act;
  Linear fc1, fc2;
  static SiglipMlp Build(ModuleTree& tree, ModuleId parent, const SiglipTowerParams& p,
                         DType dtype);
  Shape Forward(Tracer& t, const Shape& x) const { return fc2(t, act(t, fc1(t, x))); }
};

struct SiglipEncoderLayer {
  ModuleId id = kNoModule, attn = kNoModule;
  Linear q, k, v, o;
  LayerNorm norm1, norm2;
  SiglipMlp mlp;
  AttnImpl impl = AttnImpl::kSdpa;
  int64_t heads = 0, head_dim = 0;
  Shape Forward(Tracer& t, const Shape& x) const;
};

/// SiglipEncoder: `layers` ModuleList under `parent`.
std::vector<SiglipEncoderLayer> BuildSiglipEncoder(ModuleTree& tree, ModuleId parent,
                                                   const SiglipTowerParams& p, AttnImpl impl,
                                                   DType dtype);

struct SiglipTextTower {
  ModuleId id = kNoModule, embeddings = kNoModule;
  Embedding token, position;
  std::vector<SiglipEncoderLayer> layers;
  LayerNorm final_norm;
  Linear head;

  /// Builds SiglipTextTransformer as `name` under `parent`.
  static SiglipTextTower Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                               const SiglipTowerParams& p, AttnImpl impl, DType dtype);
  /// input_ids (B, S) -> pooled (B, E).
  Shape Forward(Tracer& t, int64_t batch, int64_t tokens) const;
};

struct SiglipVisionTower {
  ModuleId id = kNoModule, embeddings = kNoModule, head = kNoModule;
  Conv2d patch;
  Embedding position;
  std::vector<SiglipEncoderLayer> layers;
  LayerNorm post_norm;
  std::optional<MultiheadAttention> head_attention;
  std::optional<LayerNorm> head_norm;
  std::optional<SiglipMlp> head_mlp;

  /// Builds SiglipVisionTransformer as `name` under `parent`.
  static SiglipVisionTower Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                                 const SiglipTowerParams& p, AttnImpl impl, DType dtype);
  /// pixel_values (B, C, H, W) -> pooled (B, E).
  Shape Forward(Tracer& t, int64_t images, int64_t height, int64_t width) const;
};

}  // namespace calflops
