// How Qwen2VLImageProcessor turns an image into vision-tower patches and language-model tokens:
// smart_resize rounds each side to a multiple of patch x merge (28 pixels) and keeps the pixel
// count within [min_pixels, max_pixels]; the resized image is cut into patch x patch squares
// (one temporal patch: a still image is repeated temporal_patch_size times), and the merger folds
// each merge x merge block of patches into one token.
#pragma once

#include <cstdint>
#include <string>

namespace calflops {

struct Qwen2VlImageGrid {
  int64_t height = 0, width = 0;   ///< after smart_resize (pixels)
  int64_t grid_h = 0, grid_w = 0;  ///< patches per column and per row
  int64_t patches() const { return grid_h * grid_w; }
};

/// The resize rules the Qwen2-VL / Qwen2.5-VL checkpoints ship (preprocessor_config.json):
/// patch 14, merge 2, min_pixels 56 x 56, max_pixels 28 x 28 x 16384.
struct Qwen2VlProcessor {
  int64_t patch = 14, merge = 2;
  int64_t min_pixels = 56 * 56, max_pixels = 28 * 28 * 16384;
};

/// smart_resize(height, width, factor = patch x merge) and the patch grid. Throws BadInput naming
/// `where` for an image smaller than the factor or with an aspect ratio above 200, as the
/// processor raises.
Qwen2VlImageGrid Qwen2VlResize(int64_t height, int64_t width, const Qwen2VlProcessor& p,
                               const std::string& where);

}  // namespace calflops
