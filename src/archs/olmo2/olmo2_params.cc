#include "archs/olmo2/olmo2_params.h"

namespace calflops {

LlamaParams Olmo2StyleDefaults(const std::string& prefix) {
  LlamaParams d;
  d.prefix = prefix;
  d.vocab = 50304;
  d.rms_eps = 1e-5;
  d.rotary = RotaryStyle::kModelOnly;
  d.attn_class_per_impl = false;
  d.scale_scores_by_mul = true;
  d.placement = NormPlacement::kPost;
  d.qk_norm = QkNorm::kFull;
  return d;
}

LlamaParams Olmo2StyleParams(const Config& c, const LlamaParams& defaults) {
  LlamaParams p = LlamaParams::FromConfig(c, defaults);
  p.mlp_bias = false;
  return p;
}

}  // namespace calflops
