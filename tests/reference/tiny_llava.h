// A tiny LLaVA / LLaVA-NeXT executed on real numbers by the brute-force reference: a tiny CLIP
// vision tower (tiny_clip.h), the two-layer GELU projector and a tiny Llama (tiny_llama.h).
// LLaVA-NeXT's anyres path is carried out on real tensors: the padded image is cut into crops by
// slicing, the tiles' features are laid out on their grid, unpadded by slicing, given an
// image_newline column and concatenated after the base crop's features; the merged sequence the
// language model sees is whatever length that produces.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "reference/tiny_clip.h"
#include "reference/tiny_llama.h"

namespace reference {

struct TinyLlavaConfig {
  bool next = true;  ///< LlavaNextForConditionalGeneration; false: LlavaForConditionalGeneration
  TinyClipVisionConfig vision;
  TinyLlamaConfig text;
  std::vector<std::pair<int64_t, int64_t>> pinpoints{{8, 16}, {16, 8}, {16, 16}, {24, 8}, {8, 24}};
  int64_t feature_layer = -2;
  /// The config.json text for the program under test.
  std::string ToJson() const;
};

class TinyLlava {
 public:
  TinyLlava(const TinyLlavaConfig& c, unsigned seed = 3);
  /// Encodes `images` images of height x width per sequence: vision tower, projector, and (NeXT)
  /// anyres packing. Returns one (features, hidden) tensor per image.
  std::vector<Tensor> EncodeImages(int64_t batch, int64_t images, int64_t height, int64_t width);
  /// The prefill (or forward) call: a prompt of `prompt` ids per sequence whose first `images`
  /// ids are <image> placeholders, each replaced by its image's features. Returns the merged
  /// length.
  int64_t Prefill(int64_t batch, int64_t prompt, int64_t images, int64_t height, int64_t width,
                  bool all_logits);
  /// One decode step; with `reencode`, the legacy path that encodes the images again and
  /// discards them.
  void Decode(int64_t batch, int64_t images, int64_t height, int64_t width, bool reencode);

 private:
  Tensor Pack(const Tensor& crops_features, int64_t height, int64_t width);
  TinyLlavaConfig cfg_;
  TinyClipVision vision_;
  TinyLlama lm_;
  Tensor l1_, l1b_, l2_, l2b_, newline_;
};

}  // namespace reference
