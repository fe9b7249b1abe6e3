#include "archs/clip/clip_params.h"
#include "archs/config_checks.h"
#include "model/image_limits.h"

#include "model/error.h"

namespace calflops {
namespace {

void ReadEncoder(const Config& c, ClipEncoderParams& p) {
  p.hidden = c.Int("hidden_size", p.hidden, 1, kMaxConfigDim);
  p.intermediate = c.Int("intermediate_size", p.intermediate, 1, kMaxConfigDim);
  p.n_layers = c.Int("num_hidden_layers", p.n_layers, 0, kMaxLayers);
  p.n_heads = c.Int("num_attention_heads", p.n_heads, 1, kMaxConfigDim);
  p.hidden_act = c.String("hidden_act", p.hidden_act);
  p.act_where = c.Where("hidden_act");
  p.ln_eps = c.Float("layer_norm_eps", p.ln_eps);
  // CLIPAttention raises the same error when the heads do not tile the embedding.
  RequireDivides(c, "num_attention_heads", p.n_heads, "hidden_size", p.hidden);
}

}  // namespace

ClipVisionParams ClipVisionParams::Defaults() {
  ClipVisionParams p;
  p.enc = ClipEncoderParams{};  // 768 / 3072 / 12 layers / 12 heads / quick_gelu
  return p;
}

ClipVisionParams ClipVisionParams::FromConfig(const Config& c, const ClipVisionParams& defaults) {
  ClipVisionParams p = defaults;
  ReadEncoder(c, p.enc);
  p.channels = c.Int("num_channels", p.channels, 1, kMaxConfigDim);
  p.image_size = c.Int("image_size", p.image_size, 1, kMaxImageSide);
  p.patch = c.Int("patch_size", p.patch, 1, kMaxImageSide);
  p.where = c.Where("image_size");
  if (p.patch > p.image_size) {
    throw BadInput(c.Where("patch_size"), "is " + std::to_string(p.patch) +
                                              ", larger than image_size " +
                                              std::to_string(p.image_size));
  }
  return p;
}

ClipTextParams ClipTextParams::FromConfig(const Config& c) {
  ClipTextParams p;
  p.enc.hidden = 512;
  p.enc.intermediate = 2048;
  p.enc.n_heads = 8;
  ReadEncoder(c, p.enc);
  p.vocab = c.Int("vocab_size", p.vocab, 1, kMaxConfigDim);
  p.max_positions = c.Int("max_position_embeddings", p.max_positions, 1, kMaxConfigDim);
  p.eos_token_id = c.Int("eos_token_id", p.eos_token_id, INT64_MIN, INT64_MAX);
  p.where = c.Where("max_position_embeddings");
  return p;
}

}  // namespace calflops
