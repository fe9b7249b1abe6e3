// torch.nn.Conv2d with dilation 1 and groups 1 (patch embeddings); forward is F.conv2d.
#pragma once

#include <array>

#include "model/tracer.h"

namespace calflops {

struct Conv2d {
  ModuleId id = kNoModule;
  int64_t in = 0, out = 0;
  std::array<int64_t, 2> kernel{}, stride{}, padding{};
  bool bias = true;

  /// `padding_valid`: built with padding="valid" (0, but PyTorch prints "padding=valid").
  /// extra_repr as PyTorch prints it: "3, 768, kernel_size=(16, 16), stride=(16, 16)".
  static Conv2d Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t in,
                      int64_t out, std::array<int64_t, 2> kernel, std::array<int64_t, 2> stride,
                      std::array<int64_t, 2> padding, bool padding_valid, bool bias, DType dtype);
  /// Output size of one spatial dimension; throws when the input is smaller than the kernel.
  int64_t OutSize(int axis, int64_t size) const;
  /// x (N, C, H, W) -> (N, out, H', W').
  Shape operator()(Tracer& t, const Shape& x) const;
};

}  // namespace calflops
