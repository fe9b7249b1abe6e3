// LLaVA-NeXT "anyres" image tiling, as transformers v4.45 computes it (image_processing_utils
// select_best_resolution; modeling_llava_next image_size_to_num_patches,
// get_anyres_image_grid_shape, unpad_image, pack_image_features): how many crops the vision tower
// encodes for one image and how many feature vectors the image contributes to the language model's
// sequence.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace calflops {

/// (height, width) pairs, as config.json's image_grid_pinpoints lists them.
using Pinpoints = std::vector<std::pair<int64_t, int64_t>>;

/// The pinpoint that keeps the most of the image's resolution when scaled to fit, ties broken by
/// the least wasted area (the first such pinpoint wins).
std::pair<int64_t, int64_t> SelectBestResolution(int64_t height, int64_t width,
                                                 const Pinpoints& pinpoints);

struct AnyresLayout {
  int64_t best_height = 0, best_width = 0;  ///< the chosen pinpoint
  int64_t grid_rows = 0, grid_cols = 0;     ///< tiles of crop_size x crop_size
  int64_t crops = 0;                        ///< tiles + 1 base (resized whole image)
  int64_t base_features = 0;                ///< patches of the base crop (CLS dropped)
  int64_t rows = 0, cols = 0;               ///< feature map of the tiles after unpadding
  int64_t features = 0;                     ///< base + rows x (cols + 1 newline)
};

/// Layout of one height x width image. `crop_size` is the vision tower's image_size, `patch` its
/// patch_size; the 'default' feature strategy (CLS dropped) and image_newline are assumed.
/// Throws BadInput (naming `where`) when a pinpoint is not a multiple of crop_size, which 4.45's
/// feature reshape cannot handle.
AnyresLayout ComputeAnyres(int64_t height, int64_t width, const Pinpoints& pinpoints,
                           int64_t crop_size, int64_t patch, const std::string& where);

}  // namespace calflops
