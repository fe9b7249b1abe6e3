#include "archs/llava/anyres.h"

#include <algorithm>
#include <limits>
#include <tuple>

#include "model/error.h"

namespace calflops {

// The arithmetic below is Python's: int / int is a correctly rounded double, int() truncates, and
// C++ doubles round identically, so the chosen pinpoint and the unpadded size match exactly.

std::pair<int64_t, int64_t> SelectBestResolution(int64_t height, int64_t width,
                                                 const Pinpoints& pinpoints) {
  std::pair<int64_t, int64_t> best{0, 0};
  int64_t max_effective = 0;
  int64_t min_wasted = std::numeric_limits<int64_t>::max();
  const auto h0 = static_cast<double>(height), w0 = static_cast<double>(width);
  for (const auto& [ph, pw] : pinpoints) {
    double scale = std::min(static_cast<double>(pw) / w0, static_cast<double>(ph) / h0);
    auto dw = static_cast<int64_t>(w0 * scale), dh = static_cast<int64_t>(h0 * scale);
    int64_t effective = std::min(dw * dh, width * height);
    int64_t wasted = pw * ph - effective;
    if (effective > max_effective || (effective == max_effective && wasted < min_wasted)) {
      max_effective = effective;
      min_wasted = wasted;
      best = {ph, pw};
    }
  }
  return best;
}

AnyresLayout ComputeAnyres(int64_t height, int64_t width, const Pinpoints& pinpoints,
                           int64_t crop_size, int64_t patch, const std::string& where) {
  if (pinpoints.empty()) throw BadInput(where, "is empty: anyres needs at least one resolution");
  for (const auto& [ph, pw] : pinpoints) {
    if (ph <= 0 || pw <= 0 || ph % crop_size != 0 || pw % crop_size != 0) {
      throw BadInput(where, "holds [" + std::to_string(ph) + ", " + std::to_string(pw) +
                                "], expected positive multiples of the vision image_size " +
                                std::to_string(crop_size));
    }
  }
  AnyresLayout l;
  std::tie(l.best_height, l.best_width) = SelectBestResolution(height, width, pinpoints);
  l.grid_rows = l.best_height / crop_size;
  l.grid_cols = l.best_width / crop_size;
  l.crops = l.grid_rows * l.grid_cols + 1;
  const int64_t g = crop_size / patch;  // feature side of one crop
  l.base_features = g * g;
  // unpad_image on the (rows x cols) feature map of the tiles, against the original aspect.
  const int64_t cur_h = l.grid_rows * g, cur_w = l.grid_cols * g;
  const double original_aspect = static_cast<double>(width) / static_cast<double>(height);
  const double current_aspect = static_cast<double>(cur_w) / static_cast<double>(cur_h);
  l.rows = cur_h;
  l.cols = cur_w;
  if (original_aspect > current_aspect) {
    double scale = static_cast<double>(cur_w) / static_cast<double>(width);
    auto new_h = static_cast<int64_t>(static_cast<double>(height) * scale);
    int64_t pad = (cur_h - new_h) / 2;
    l.rows = cur_h - 2 * pad;  // tensor[:, pad : cur_h - pad, :]
  } else {
    double scale = static_cast<double>(cur_h) / static_cast<double>(height);
    auto new_w = static_cast<int64_t>(static_cast<double>(width) * scale);
    int64_t pad = (cur_w - new_w) / 2;
    l.cols = cur_w - 2 * pad;
  }
  l.features = l.base_features + l.rows * (l.cols + 1);
  return l;
}

}  // namespace calflops
