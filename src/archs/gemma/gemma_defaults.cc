#include "archs/gemma/gemma_defaults.h"

namespace calflops {

LlamaParams GemmaDefaults(const std::string& prefix) {
  LlamaParams d;
  d.prefix = prefix;
  d.vocab = 256000;
  d.head_dim = 256;
  d.tie_word_embeddings = true;
  d.norm = NormStyle::kGemma;
  d.scale_embeddings = true;
  d.rotary = RotaryStyle::kPerAttention;
  d.scale_scores_by_mul = true;
  return d;
}

LlamaParams GemmaParams(const Config& c, const LlamaParams& defaults) {
  LlamaParams p = LlamaParams::FromConfig(c, defaults);
  p.mlp_bias = false;
  p.hidden_act = c.IsSet("hidden_activation") ? c.String("hidden_activation", "")
                                              : std::string("gelu_pytorch_tanh");
  p.act_where = c.Where("hidden_activation");
  return p;
}

}  // namespace calflops
