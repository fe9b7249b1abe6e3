// Hyper-parameters of CLIP's two towers, read from a config.json with transformers 4.45's
// CLIPVisionConfig / CLIPTextConfig defaults for missing keys.
#pragma once

#include <string>

#include "readers/hf_config/config.h"

namespace calflops {

/// The encoder stack both towers share (CLIPEncoder of CLIPEncoderLayer).
struct ClipEncoderParams {
  int64_t hidden = 768;
  int64_t intermediate = 3072;
  int64_t n_layers = 12;
  int64_t n_heads = 12;
  std::string hidden_act = "quick_gelu";
  std::string act_where;  ///< config location of hidden_act, for errors
  double ln_eps = 1e-5;

  int64_t head_dim() const { return hidden / n_heads; }
};

struct ClipVisionParams {
  ClipEncoderParams enc;
  int64_t channels = 3;
  int64_t image_size = 224;
  int64_t patch = 32;
  std::string where;  ///< config location of the vision config, for errors

  int64_t grid() const { return image_size / patch; }        ///< patches per side
  int64_t positions() const { return grid() * grid() + 1; }  ///< patches + CLS

  /// CLIPVisionConfig defaults.
  static ClipVisionParams Defaults();
  /// Reads the keys of `c`, falling back to `defaults` for missing ones.
  static ClipVisionParams FromConfig(const Config& c,
                                     const ClipVisionParams& defaults = Defaults());
};

struct ClipTextParams {
  ClipEncoderParams enc;
  int64_t vocab = 49408;
  int64_t max_positions = 77;
  int64_t eos_token_id = 49407;
  std::string where;

  /// Reads the keys of `c` with CLIPTextConfig defaults.
  static ClipTextParams FromConfig(const Config& c);
};

}  // namespace calflops
