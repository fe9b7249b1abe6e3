// Hyper-parameters of LLaVA (1.5) and LLaVA-NeXT, read with transformers 4.45's LlavaConfig /
// LlavaNextConfig rules: a vision_config dict gets CLIPVisionConfig defaults for missing keys
// (an absent one is LLaVA's own CLIP ViT-L/14-336 default), a text_config dict gets LlamaConfig
// defaults (an absent one is LlamaConfig()).
#pragma once

#include <string>

#include "archs/clip/clip_params.h"
#include "archs/llama/llama_params.h"
#include "archs/llava/anyres.h"
#include "readers/hf_config/config.h"

namespace calflops {

struct LlavaParams {
  bool next = false;  ///< LLaVA-NeXT (anyres tiling, image_newline) rather than LLaVA 1.5
  ClipVisionParams vision;
  LlamaParams text;
  std::string projector_act = "gelu";
  std::string projector_act_where;
  bool full_features = false;  ///< vision_feature_select_strategy "full" keeps the CLS row
  int64_t feature_layer = -2;  ///< vision_feature_layer (every layer runs regardless)
  Pinpoints pinpoints;         ///< image_grid_pinpoints (NeXT)
  std::string pinpoints_where;

  /// Feature vectors one encoded crop contributes (patches, + CLS under "full").
  int64_t FeaturesPerCrop() const {
    return vision.grid() * vision.grid() + (full_features ? 1 : 0);
  }

  static LlavaParams FromConfig(const Config& c, bool next);
};

}  // namespace calflops
