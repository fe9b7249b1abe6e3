#include "archs/qwen2_vl/qwen2_vl_image.h"

#include <algorithm>
#include <cmath>

#include "model/error.h"

namespace calflops {

Qwen2VlImageGrid Qwen2VlResize(int64_t height, int64_t width, const Qwen2VlProcessor& p,
                               const std::string& where) {
  const int64_t factor = p.patch * p.merge;
  const std::string size = std::to_string(height) + "x" + std::to_string(width);
  if (height < factor || width < factor) {
    throw BadInput(where, size + ": both sides must be at least " + std::to_string(factor) +
                              " pixels (patch x merge size)");
  }
  // Sides are at most 2^20 (kMaxImageSide): every product below is exact in a double.
  const double h = static_cast<double>(height), w = static_cast<double>(width);
  const double f = static_cast<double>(factor);
  if (std::max(h, w) / std::min(h, w) > 200) {
    throw BadInput(where, size + ": the aspect ratio must be at most 200");
  }
  // Python's round() rounds halves to even, as nearbyint does in the default rounding mode.
  double hb = std::nearbyint(h / f) * f, wb = std::nearbyint(w / f) * f;
  if (hb * wb > static_cast<double>(p.max_pixels)) {
    double beta = std::sqrt(h * w / static_cast<double>(p.max_pixels));
    hb = std::floor(h / beta / f) * f;
    wb = std::floor(w / beta / f) * f;
  } else if (hb * wb < static_cast<double>(p.min_pixels)) {
    double beta = std::sqrt(static_cast<double>(p.min_pixels) / (h * w));
    hb = std::ceil(h * beta / f) * f;
    wb = std::ceil(w * beta / f) * f;
  }
  if (hb < f || wb < f) {  // a 200:1 image squeezed under max_pixels can floor a side to 0
    throw BadInput(where, size + ": resizes to a side below " + std::to_string(factor) + " pixels");
  }
  Qwen2VlImageGrid g;
  g.height = static_cast<int64_t>(hb);
  g.width = static_cast<int64_t>(wb);
  g.grid_h = g.height / p.patch;
  g.grid_w = g.width / p.patch;
  return g;
}

}  // namespace calflops
