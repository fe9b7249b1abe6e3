#include "archs/llava/llava_params.h"
#include "model/image_limits.h"

#include "model/error.h"

namespace calflops {

LlavaParams LlavaParams::FromConfig(const Config& c, bool next) {
  LlavaParams p;
  p.next = next;

  Config vc = c.Sub("vision_config");
  std::string vtype = vc.String("model_type", "clip_vision_model");
  if (vtype != "clip_vision_model") {
    throw Unsupported(vc.Where("model_type"), "vision tower '" + vtype +
                                                  "' is not supported (supported: "
                                                  "clip_vision_model)");
  }
  ClipVisionParams defaults = ClipVisionParams::Defaults();
  if (!c.IsSet("vision_config")) {
    // LlavaConfig's own default tower: CLIP ViT-L/14 at 336 pixels.
    defaults.enc.hidden = 1024;
    defaults.enc.intermediate = 4096;
    defaults.enc.n_layers = 24;
    defaults.enc.n_heads = 16;
    defaults.image_size = 336;
    defaults.patch = 14;
  }
  p.vision = ClipVisionParams::FromConfig(vc, defaults);

  Config tc = c.Sub("text_config");
  std::string ttype = tc.String("model_type", "llama");
  if (ttype != "llama") {
    throw Unsupported(tc.Where("model_type"),
                      "language model '" + ttype + "' is not supported (supported: llama)");
  }
  p.text = LlamaParams::FromConfig(tc);

  p.projector_act = c.String("projector_hidden_act", "gelu");
  p.projector_act_where = c.Where("projector_hidden_act");
  std::string strategy = c.String("vision_feature_select_strategy", "default");
  if (strategy != "default" && strategy != "full") {
    throw BadInput(c.Where("vision_feature_select_strategy"),
                   "is '" + strategy + "', expected 'default' or 'full'");
  }
  p.full_features = strategy == "full";
  const int64_t n_layers = p.vision.enc.n_layers;
  p.feature_layer = c.Int("vision_feature_layer", -2, -(n_layers + 1), n_layers);

  if (next) {
    if (p.full_features) {
      // pack_image_features views the tiles' features as (rows, cols, g, g, -1), which fails
      // when each crop keeps its CLS row.
      throw Unsupported(c.Where("vision_feature_select_strategy"),
                        "'full' cannot be packed by LLaVA-NeXT's anyres merge in transformers "
                        "4.45");
    }
    p.pinpoints_where = c.Where("image_grid_pinpoints");
    auto pairs = c.IntPairs("image_grid_pinpoints", 1, kMaxImageSide);
    if (!c.IsSet("image_grid_pinpoints")) {
      pairs = {{336, 672}, {672, 336}, {672, 672}, {1008, 336}, {336, 1008}};
    }
    for (const auto& hw : pairs) p.pinpoints.emplace_back(hw[0], hw[1]);
  }
  return p;
}

}  // namespace calflops
