// The layer block that BART and Whisper share (transformers v4.45 modeling_bart.py,
// modeling_whisper.py): an attention of k_proj, v_proj, q_proj, out_proj (BartAttention,
// WhisperAttention), and the encoder / decoder layer around it: self_attn, self_attn_layer_norm,
// activation_fn, (decoder) encoder_attn and encoder_attn_layer_norm, fc1, fc2, final_layer_norm.
// The families differ in what is stated here as options: k_proj's bias, how eager computes the
// scores (BART: torch.bmm over batch x heads; Whisper: torch.matmul over 4-D heads), and where
// the norms sit (BART post-norm, Whisper pre-norm). Masks are the caller's: each family builds
// them its own way.
#pragma once

#include <string>
#include <vector>

#include "archs/nn/activation.h"
#include "archs/nn/layer_norm.h"
#include "archs/nn/linear.h"
#include "model/architecture.h"
#include "model/kv_cache.h"
#include "readers/hf_config/config.h"

namespace calflops {

/// The sizes both families' configs name alike (BartConfig, WhisperConfig keys); the defaults
/// are each family's.
struct EncDecDims {
  int64_t d_model = 0, enc_layers = 0, dec_layers = 0, enc_heads = 0, dec_heads = 0;
  int64_t enc_ffn = 0, dec_ffn = 0;
  std::string act = "gelu", act_where = {};

  /// Reads d_model, encoder_/decoder_layers, _attention_heads (each must divide d_model),
  /// _ffn_dim and activation_function, defaulting to `defaults`.
  static EncDecDims FromConfig(const Config& c, const EncDecDims& defaults);
};

/// How a family's layers differ.
struct EncDecStyle {
  std::string prefix;  ///< class-name prefix: "Bart" -> BartAttention, BartEncoderLayer
  AttnImpl impl = AttnImpl::kSdpa;
  bool k_bias = true;     ///< Whisper's k_proj has none
  bool bmm = true;        ///< eager scores: torch.bmm on (B*H, T, d) after all projections
                          ///< (BART), or torch.matmul on (B, H, T, d), q scaled first (Whisper)
  bool pre_norm = false;  ///< Whisper: norm(x) into each sub-block; BART: norm(x + sub(x))
};

struct EncDecAttention {
  ModuleId id = kNoModule;
  Linear k, v, q, out;
  int64_t heads = 0, dim = 0;
  AttnImpl impl = AttnImpl::kSdpa;
  bool bmm = true;

  static EncDecAttention Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                               const EncDecStyle& style, int64_t d_model, int64_t heads,
                               DType dtype);
  /// `x` (B, T, E) queries over `keys` keys, projected from `src` when `project` (else read from
  /// the cache); `mask`: eager adds a (B, 1, T, keys) mask, SDPA is given one.
  Shape operator()(Tracer& t, const Shape& x, const Shape& src, bool project, int64_t keys,
                   bool mask) const;
};

struct EncDecLayer {
  ModuleId id = kNoModule;
  EncDecAttention self, cross;
  LayerNorm self_norm, cross_norm, final_norm;
  Activation act;
  Linear fc1, fc2;
  bool decoder = false, pre_norm = false;

  /// Layer `index` of `list`, children in __init__ order: the encoder layer registers
  /// self_attn_layer_norm before activation_fn, the decoder layer after.
  static EncDecLayer Build(ModuleTree& tree, ModuleId list, int64_t index, bool decoder,
                           const EncDecDims& dims, const EncDecStyle& style, DType dtype);
  /// One layer over `x`: self-attention over `self_keys` keys (`self_mask`), then (decoder) the
  /// cross-attention over the encoder states `enc`, projecting their K/V when `cross_kv`
  /// (`cross_mask`), then the feed-forward; each sub-block with its residual and norm.
  Shape operator()(Tracer& t, const Shape& x, int64_t self_keys, bool self_mask, const Shape& enc,
                   bool cross_kv, bool cross_mask) const;
};

/// Each decoder layer caches the self-attention K and V (d_model each) per token and the
/// cross-attention K and V of every encoder token for the whole generation
/// (EncoderDecoderCache's cross_attention_cache).
std::vector<KvCacheSpec> EncDecKvCache(const std::vector<EncDecLayer>& decoder_layers,
                                       int64_t d_model);

}  // namespace calflops
