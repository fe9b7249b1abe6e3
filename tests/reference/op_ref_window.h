// Brute-force windowed ops for the op proofs: N-d convolution and transposed convolution with
// groups, strides, dilations and padding; max / average / Lp pooling; linear and cubic resize.
// Every product and sum is one counted scalar operation (scalar_ops.h).
#pragma once

#include <cstdint>
#include <vector>

#include "reference/tensor.h"

namespace reference {

struct Window {
  std::vector<int64_t> kernel, strides, dilations, pads_begin, pads_end;
};

/// Output size of one spatial axis (floor; ceil_mode rounds up).
int64_t WindowOut(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb, int64_t pe,
                  bool ceil_mode = false);

/// x (N, Cin, spatial...), w (Cout, Cin / groups, k...). Padded taps are multiplied like any
/// other (a dense kernel does not skip them: the convention counts them).
Tensor ConvRef(const Tensor& x, const Tensor& w, const Tensor* bias, int64_t groups,
               const Window& win);
/// x (N, Cin, spatial...), w (Cin, Cout / groups, k...): each input element scattered into its
/// taps; taps falling in the padding are computed, then cropped (as col2im does).
Tensor ConvTransposeRef(const Tensor& x, const Tensor& w, const Tensor* bias, int64_t groups,
                        const Window& win, const std::vector<int64_t>& out_spatial);

enum class PoolKind { kMax, kAvg, kLp };
/// Pooling over the full window of each output, padded taps included (-inf for max, 0 for
/// average: the convention prices the window, not the taps that land inside the input).
Tensor PoolRef(PoolKind kind, const Tensor& x, const Window& win, bool ceil_mode);

/// Resize (N-d, any axes): `base` taps per resized axis (2 linear, 4 cubic, 0 nearest); an
/// output element is the weighted sum of its taps (weights are per-axis index arithmetic,
/// computed once per output coordinate, not per element: not counted).
Tensor ResizeRef(const Tensor& x, const std::vector<int64_t>& out_shape, int base);

}  // namespace reference
