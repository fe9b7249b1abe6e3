#include "archs/encoder/encoder_params.h"

#include <nlohmann/json.hpp>

#include "archs/config_checks.h"
#include "model/error.h"

namespace calflops {

EncoderParams EncoderParams::FromConfig(const Config& c, const EncoderParams& d) {
  EncoderParams p;
  p.hidden = c.Int("hidden_size", d.hidden, 1, kMaxConfigDim);
  p.intermediate = c.Int("intermediate_size", d.intermediate, 1, kMaxConfigDim);
  p.n_layers = c.Int("num_hidden_layers", d.n_layers, 0, kMaxLayers);
  p.n_heads = c.Int("num_attention_heads", d.n_heads, 1, kMaxConfigDim);
  RequireDivides(c, "num_attention_heads", p.n_heads, "hidden_size", p.hidden);
  p.head_dim = p.hidden / p.n_heads;
  p.layer_norm_eps = c.Float("layer_norm_eps", d.layer_norm_eps);
  p.hidden_dropout = c.Float("hidden_dropout_prob", d.hidden_dropout);
  p.attention_dropout = c.Float("attention_probs_dropout_prob", d.attention_dropout);
  p.qkv_bias = c.Bool("qkv_bias", d.qkv_bias);
  p.hidden_act = c.String("hidden_act", d.hidden_act);
  p.act_where = c.Where("hidden_act");
  return p;
}

int64_t ConfigNumLabels(const Config& c) {
  if (c.IsSet("num_labels")) return c.Int("num_labels", 1, kMaxConfigDim);
  if (c.IsSet("id2label")) {
    const auto& j = c.raw()["id2label"];
    if (!j.is_object()) throw BadInput(c.Where("id2label"), "is not an object");
    if (j.empty()) throw BadInput(c.Where("id2label"), "is empty: a classifier needs labels");
    return static_cast<int64_t>(j.size());
  }
  return 2;
}

}  // namespace calflops
