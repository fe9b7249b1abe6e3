// The vision-language model shared by qwen2_vl and qwen2_5_vl: a Qwen2 vision tower whose merged
// patches replace the image placeholders, a Qwen2 decoder with multimodal rotary positions
// (M-RoPE: the rotary tables are computed for 3 position rows, temporal / height / width, and
// each layer picks its mrope_section slices), and lm_head.
//
// Images and tokens: each of --images (per sequence) is resized by smart_resize
// (qwen2_vl_image.h; --image-size, default 448 x 448), cut into 14 x 14 patches (grid_h x
// grid_w) that all go through the vision tower, and merged 2 x 2 into grid_h x grid_w / 4
// language-model tokens: the processor expands the image's <|image_pad|> placeholder into that
// many, so one prompt token per image becomes tokens_per_image. The image is encoded once, at
// prefill; decode steps send no pixels.
#pragma once

#include "archs/llama/llama_blocks.h"
#include "archs/qwen2_vl/qwen2_vl_image.h"
#include "archs/qwen2_vl/qwen2_vl_vision.h"

namespace calflops {

struct Qwen2VlParams {
  std::string family = "qwen2_vl";  ///< model_type, for messages
  LlamaParams text;
  Qwen2VisionParams vision;
  Qwen2VlProcessor processor;
  /// transformers >= 4.52 layout: model = {visual, language_model}, lm_head; else (4.45)
  /// visual, model, lm_head at the root.
  bool nested = false;
  std::string root_model_cls;  ///< class of `model` when nested
};

/// Rejects a rope_scaling.mrope_section that is not three sections covering head_dim / 2.
void CheckMropeSection(const Config& c, int64_t head_dim);

/// Qwen2VLConfig's decoder defaults (Qwen2.5-VL's text config keeps them) under `prefix`.
LlamaParams Qwen2VlTextDefaults(const std::string& prefix);

/// The decoder of a Qwen2-VL / Qwen2.5-VL config: `text_config` when set (newer saves), else the
/// top level, with defaults `d`; tie_word_embeddings from the top level when the decoder's keys
/// lack it (a re-save may keep it there only); the biases the attention hard-codes; the M-RoPE
/// section checked.
LlamaParams ReadQwen2VlText(const Config& c, const LlamaParams& d);

std::unique_ptr<Architecture> MakeQwen2VlArch(const Qwen2VlParams& p, const std::string& cls,
                                              const BuildOptions& o, DType dtype);

/// The default image when --image-size is not given.
inline constexpr int64_t kQwen2VlDefaultImageSide = 448;

}  // namespace calflops
