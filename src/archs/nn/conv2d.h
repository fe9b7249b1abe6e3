// torch.nn.Conv2d (square stride/padding, dilation 1): weight (out, in / groups, kh, kw) and an
// optional bias; forward is F.conv2d.
#pragma once

#include "model/tracer.h"

namespace calflops {

struct Conv2d {
  ModuleId id = kNoModule;
  int64_t in = 0, out = 0;
  int64_t kernel = 1, stride = 1, padding = 0, groups = 1;
  bool bias = true;

  /// extra_repr as PyTorch prints it: "3, 1024, kernel_size=(14, 14), stride=(14, 14), bias=False"
  /// (padding and groups only when not the default). `padding_valid`: built with
  /// padding="valid" (no padding, but PyTorch keeps and prints the string: "padding=valid").
  static Conv2d Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t in,
                      int64_t out, int64_t kernel, int64_t stride, int64_t padding, int64_t groups,
                      bool bias, DType dtype, bool padding_valid = false);
  /// Output size of one spatial dimension of `size` pixels; throws when below the kernel.
  int64_t OutSize(int64_t size) const;
  /// x = (N, in, H, W) -> (N, out, H', W'), H' = (H + 2 padding - kernel) / stride + 1.
  Shape operator()(Tracer& t, const Shape& x) const;
};

}  // namespace calflops
