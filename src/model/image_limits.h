// The one bound on image sizes: a vision config's image_size and patch_size, --image-size, and
// LLaVA-NeXT's image_grid_pinpoints. With every side at most 2^20 pixels, a patch grid (side^2)
// and an anyres feature map stay below 2^41, so image arithmetic in int64 cannot wrap.
#pragma once

#include <cstdint>

namespace calflops {

/// Pixels on one side of an image (the largest published vision models take 1,536 or less).
inline constexpr int64_t kMaxImageSide = int64_t{1} << 20;

}  // namespace calflops
