// The transformer encoder layer that BERT, RoBERTa and ViT share in transformers 4.45: self
// attention (query / key / value, eager or SDPA), an output projection, a GELU intermediate and
// an output projection. BERT-style layers normalise after each residual (LayerNorm inside
// XSelfOutput / XOutput); ViT normalises before (layernorm_before / layernorm_after in ViTLayer)
// and names the self-attention `attention` instead of `self`.
#pragma once

#include <optional>
#include <string>

#include "model/architecture.h"
#include "archs/encoder/encoder_params.h"
#include "archs/nn/activation.h"
#include "archs/nn/dropout.h"
#include "archs/nn/layer_norm.h"
#include "archs/nn/linear.h"

namespace calflops {

/// How a family names and arranges the layer.
struct EncoderLayerStyle {
  std::string prefix;     ///< class-name prefix: "Bert", "Roberta", "ViT"
  bool pre_norm = false;  ///< ViT: LayerNorm before attention and MLP, owned by the layer
};

struct EncoderSelfAttention {
  ModuleId id = kNoModule;
  Linear query, key, value;
  AttnImpl impl = AttnImpl::kSdpa;
  int64_t heads = 0, head_dim = 0;

  /// x (B, S, E) -> context (B, S, E). `masked`: eager attention adds the (B, 1, 1, S) extended
  /// attention mask to the scores (BERT's get_extended_attention_mask).
  Shape Forward(Tracer& t, const Shape& x, bool masked) const;
};

struct EncoderLayer {
  ModuleId id = kNoModule;
  EncoderSelfAttention self;
  ModuleId self_output = kNoModule, output = kNoModule;
  Linear self_dense, intermediate_dense, output_dense;
  Activation act;
  std::optional<LayerNorm> self_norm, output_norm;   ///< post-norm styles
  std::optional<LayerNorm> norm_before, norm_after;  ///< pre-norm style
  ModuleId intermediate = kNoModule;

  /// Builds XLayer under `parent` with the given attribute name.
  static EncoderLayer Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                            const EncoderLayerStyle& style, const EncoderParams& p, AttnImpl impl,
                            DType dtype);
  Shape Forward(Tracer& t, const Shape& x, bool masked) const;
};

/// Throws for attention implementations the family does not offer in transformers 4.45.
void CheckEncoderAttnImpl(AttnImpl impl, const std::string& model_class);

}  // namespace calflops
