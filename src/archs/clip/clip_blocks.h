// CLIP as transformers v4.45 registers it (modeling_clip.py): the shared CLIPEncoder, the vision
// transformer (CLIPVisionEmbeddings, pre_layrnorm, encoder, post_layernorm) and the text
// transformer (CLIPTextEmbeddings, encoder, final_layer_norm), each buildable under any parent so
// that CLIPModel and LLaVA's vision_tower can nest them.
#pragma once

#include <vector>

#include "model/architecture.h"
#include "archs/clip/clip_params.h"
#include "archs/nn/activation.h"
#include "archs/nn/conv2d.h"
#include "archs/nn/embedding.h"
#include "archs/nn/layer_norm.h"
#include "archs/nn/linear.h"

namespace calflops {

/// The masks a CLIPEncoder call receives: none (vision), or the text model's causal mask plus
/// the tokenizer's padding mask.
enum class ClipMask { kNone, kCausalAndPadding };

struct ClipAttentionBlock {
  ModuleId id = kNoModule;
  Linear k, v, q, out;  ///< registration order of CLIPAttention.__init__
  AttnImpl impl = AttnImpl::kSdpa;
  int64_t n_heads = 0, head_dim = 0;

  Shape Forward(Tracer& t, const Shape& x, ClipMask mask) const;
};

struct ClipMlpBlock {
  ModuleId id = kNoModule;
  Activation act;
  Linear fc1, fc2;
  Shape Forward(Tracer& t, const Shape& x) const;
};

struct ClipEncoderLayerBlock {
  ModuleId id = kNoModule;
  ClipAttentionBlock attn;
  LayerNorm ln1;
  ClipMlpBlock mlp;
  LayerNorm ln2;
  Shape Forward(Tracer& t, const Shape& x, ClipMask mask) const;
};

struct ClipEncoderBlock {
  ModuleId id = kNoModule;
  std::vector<ClipEncoderLayerBlock> layers;

  /// Builds the `layers` ModuleList under `id` (already created as CLIPEncoder).
  static ClipEncoderBlock Build(ModuleTree& tree, ModuleId id, const ClipEncoderParams& p,
                                AttnImpl impl, DType dtype);
  /// Runs every layer (transformers runs them all even when a caller keeps an earlier one).
  Shape Forward(Tracer& t, const Shape& x, ClipMask mask) const;
};

/// CLIPVisionTransformer: pixel_values (N, C, S, S) -> last hidden state (N, 1 + patches, D);
/// post_layernorm runs on the pooled CLS rows.
struct ClipVisionBlock {
  ModuleId id = kNoModule;
  ModuleId embeddings = kNoModule;
  Conv2d patch_embedding;
  Embedding position_embedding;
  LayerNorm pre_layrnorm;  ///< sic: transformers' attribute name
  ClipEncoderBlock encoder;
  LayerNorm post_layernorm;
  ClipVisionParams params;

  /// Builds under `id` (already created as CLIPVisionTransformer).
  static ClipVisionBlock Build(ModuleTree& tree, ModuleId id, const ClipVisionParams& p,
                               AttnImpl impl, DType dtype);
  /// Encodes `images` square images of the config's image_size.
  Shape Forward(Tracer& t, int64_t images) const;
};

/// CLIPTextTransformer: input_ids (B, S) -> last hidden state (B, S, D).
struct ClipTextBlock {
  ModuleId id = kNoModule;
  ModuleId embeddings = kNoModule;
  Embedding token_embedding, position_embedding;
  ClipEncoderBlock encoder;
  LayerNorm final_layer_norm;
  ClipTextParams params;

  static ClipTextBlock Build(ModuleTree& tree, ModuleId id, const ClipTextParams& p, AttnImpl impl,
                             DType dtype);
  Shape Forward(Tracer& t, int64_t batch, int64_t seq) const;
};

/// CLIPAttention / CLIPSdpaAttention / CLIPFlashAttention2.
std::string ClipAttentionClass(AttnImpl impl);

}  // namespace calflops
